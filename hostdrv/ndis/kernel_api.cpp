// The kernel functions wdm.h declares for drivers: debug output, assertions and breakpoints, IRQL, time and the Rtl
// helpers that are functions. Debug output goes to the current NdisHost's debug log with the simulated time; a
// failed ASSERT and a DbgBreakPoint are driver faults (violations driver-assert and driver-break, which fail the
// run), as they stop a checked-build system in the kernel debugger.
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "hostdrv/ndis/ndis.h"
#include "hostdrv/ndis/ndis_host.h"

using nicsim::ndis::NdisHost;

#undef DbgBreakPoint

// The driver object and registry path DriverEntry receives. Defined here, with the kernel functions, so that every
// program with an NdisHost links (and exports) them.
void nicsim::ndis::NdisHost::init_driver_object() {
    auto utf16 = [](const char* text, std::vector<WCHAR>& store, UNICODE_STRING& out) {
        for (const char* c = text; *c; ++c) store.push_back(static_cast<WCHAR>(*c));
        out.Length = static_cast<USHORT>(store.size() * sizeof(WCHAR));
        store.push_back(0);
        out.MaximumLength = static_cast<USHORT>(store.size() * sizeof(WCHAR));
        out.Buffer = store.data();
    };
    utf16("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\nicsim", m_registry_path_text, m_registry_path);
    utf16("\\Driver\\nicsim", m_driver_name_text, m_driver_object.DriverName);
    m_driver_object.Type = IO_TYPE_DRIVER;
    m_driver_object.Size = sizeof(DRIVER_OBJECT);
    m_driver_object.DriverExtension = &m_driver_extension;
    m_driver_extension.DriverObject = &m_driver_object;
    m_driver_extension.ServiceKeyName = m_registry_path;
}

namespace {

std::string format(PCSTR fmt, va_list ap) {
    if (!fmt) return {};
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    if (n <= 0) return {};
    std::string out(static_cast<size_t>(n) + 1, '\0');
    std::vsnprintf(out.data(), out.size(), fmt, ap);
    out.resize(static_cast<size_t>(n));
    return out;
}

void print(const std::string& text) {
    if (NdisHost* h = NdisHost::current())
        h->api_debug_print(text);
    else
        std::fputs(text.c_str(), stdout);
}

void fault(const char* what, const std::string& message) {
    if (NdisHost* h = NdisHost::current())
        h->violation(what, message);
    else
        std::fprintf(stderr, "Error: nicsim/ndis/%s: %s\n", what, message.c_str());
}

}  // namespace

extern "C" {

ULONG DbgPrint(PCSTR Format, ...) {
    va_list ap;
    va_start(ap, Format);
    print(format(Format, ap));
    va_end(ap);
    return 0;  // STATUS_SUCCESS
}

ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist) {
    print(format(Format, arglist));
    return 0;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...) {
    va_list ap;
    va_start(ap, Format);
    print(format(Format, ap));
    va_end(ap);
    return 0;
}

VOID NicsimDbgBreakPoint(PCSTR FileName, ULONG LineNumber) {
    fault("driver-break",
          std::string("DbgBreakPoint at ") + (FileName ? FileName : "?") + ":" + std::to_string(LineNumber));
}

VOID DbgBreakPoint(VOID) {
    fault("driver-break", "DbgBreakPoint (called through its address: no source position)");
}

VOID RtlAssert(PVOID FailedAssertion, PVOID FileName, ULONG LineNumber, PSTR Message) {
    std::string msg = std::string(FileName ? static_cast<const char*>(FileName) : "?") + ":" +
                      std::to_string(LineNumber) + ": ASSERT(" +
                      (FailedAssertion ? static_cast<const char*>(FailedAssertion) : "") + ") failed";
    if (Message) msg += std::string(": ") + Message;
    fault("driver-assert", msg);
}

KIRQL KeGetCurrentIrql(VOID) {
    NdisHost* h = NdisHost::current();
    return h ? h->irql() : static_cast<KIRQL>(PASSIVE_LEVEL);
}

KIRQL KfRaiseIrql(KIRQL NewIrql) {
    NdisHost* h = NdisHost::current();
    return h ? h->api_raise_irql(NewIrql) : static_cast<KIRQL>(PASSIVE_LEVEL);
}

VOID KeLowerIrql(KIRQL NewIrql) {
    if (NdisHost* h = NdisHost::current()) h->api_lower_irql(NewIrql);
}

VOID KeStallExecutionProcessor(ULONG MicroSeconds) {
    if (NdisHost* h = NdisHost::current()) h->platform().stall_ns(uint64_t{MicroSeconds} * 1000);
}

VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime) {
    NdisHost* h = NdisHost::current();
    if (CurrentTime) CurrentTime->QuadPart = h ? static_cast<LONGLONG>(h->platform().now_ns() / 100) : 0;  // 100 ns
}

SIZE_T RtlCompareMemory(const VOID* Source1, const VOID* Source2, SIZE_T Length) {
    const auto* a = static_cast<const UCHAR*>(Source1);
    const auto* b = static_cast<const UCHAR*>(Source2);
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i]) ++i;
    return i;  // the number of leading bytes that match
}

VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString) {
    if (!DestinationString) return;
    SIZE_T n = 0;
    while (SourceString && SourceString[n]) ++n;
    DestinationString->Buffer = const_cast<PWSTR>(SourceString);
    DestinationString->Length = static_cast<USHORT>(n * sizeof(WCHAR));
    DestinationString->MaximumLength = static_cast<USHORT>(SourceString ? (n + 1) * sizeof(WCHAR) : 0);
}

VOID RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString) {
    if (!DestinationString) return;
    const SIZE_T n = SourceString ? std::strlen(SourceString) : 0;
    DestinationString->Buffer = const_cast<PCHAR>(SourceString);
    DestinationString->Length = static_cast<USHORT>(n);
    DestinationString->MaximumLength = static_cast<USHORT>(SourceString ? n + 1 : 0);
}

}  // extern "C"
