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

std::string narrow_utf16(const WCHAR* w, size_t max_units) {
    std::string out;
    for (size_t i = 0; w && i < max_units && w[i]; ++i) out += w[i] < 0x80 ? static_cast<char>(w[i]) : '?';
    return out;
}

// One conversion of a Windows kernel format (DbgPrint's rules: LLP64 sizes, so "l" is 32 bits; I64, I32 and I
// length prefixes; %ws/%ls/%S for UTF-16 strings, %Z/%wZ for ANSI_STRING/UNICODE_STRING), taking its arguments
// from `ap` and rendering it with the C library.
std::string convert(std::string spec, const std::string& length, char conv, va_list& ap) {
    char buf[512];
    auto render = [&](auto value) {
        std::snprintf(buf, sizeof buf, spec.c_str(), value);
        return std::string(buf);
    };
    const bool wide = length == "w" || length == "l";
    if (conv == 'Z') {
        if (wide) {
            auto* u = va_arg(ap, PUNICODE_STRING);
            return u ? narrow_utf16(u->Buffer, u->Length / sizeof(WCHAR)) : "(null)";
        }
        auto* a = va_arg(ap, PANSI_STRING);
        return a && a->Buffer ? std::string(a->Buffer, a->Length) : "(null)";
    }
    if (conv == 'S' || (conv == 's' && wide)) {
        const auto* w = va_arg(ap, const WCHAR*);
        spec.back() = 's';
        const std::string text = w ? narrow_utf16(w, ~size_t{0}) : "(null)";
        return render(text.c_str());
    }
    if (conv == 'C' || (conv == 'c' && wide)) {
        spec.back() = 'c';
        const int c = va_arg(ap, int);
        return render(c < 0x80 ? c : '?');
    }
    switch (conv) {
        case 's':
            return render(va_arg(ap, const char*));
        case 'c':
            return render(va_arg(ap, int));
        case 'p':
            return render(va_arg(ap, void*));
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            return render(va_arg(ap, double));
        default:
            break;
    }
    const bool is_signed = conv == 'd' || conv == 'i';
    if (length == "I64" || length == "ll" || length == "I" || length == "z" || length == "j" || length == "t") {
        spec.insert(spec.size() - 1, "ll");
        return is_signed ? render(va_arg(ap, long long)) : render(va_arg(ap, unsigned long long));
    }
    if (length == "h") spec.insert(spec.size() - 1, "h");
    if (length == "hh") spec.insert(spec.size() - 1, "hh");
    return is_signed ? render(va_arg(ap, int)) : render(va_arg(ap, unsigned int));
}

/// A conversion's flags, width and precision (a `*` takes an int from `ap`), appended to `spec`, and its length
/// prefix, returned; `q` is left on the conversion character.
std::string read_spec(const char*& q, std::string& spec, va_list& ap) {
    while (*q && std::strchr("-+ #0", *q)) spec += *q++;
    auto number = [&]() {
        if (*q == '*') {
            spec += std::to_string(va_arg(ap, int));
            ++q;
        }
        while (*q >= '0' && *q <= '9') spec += *q++;
    };
    number();
    if (*q == '.') {
        spec += *q++;
        number();
    }
    std::string length;
    for (const char* l : {"I64", "I32", "hh", "ll", "h", "l", "w", "z", "j", "t", "L", "I"})
        if (std::strncmp(q, l, std::strlen(l)) == 0) {
            length = l;
            q += std::strlen(l);
            break;
        }
    if (length == "l" && *q == 'l') {  // "ll" after a single-letter match
        length = "ll";
        ++q;
    }
    return length;
}

std::string format(PCSTR fmt, va_list ap_in) {
    std::string out;
    if (!fmt) return out;
    va_list ap;
    va_copy(ap, ap_in);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out += *p;
            continue;
        }
        if (p[1] == '%') {
            out += '%';
            ++p;
            continue;
        }
        std::string spec = "%";
        const char* q = p + 1;
        const std::string length = read_spec(q, spec, ap);
        if (!*q) break;
        const char conv = *q;
        p = q;
        if (conv == 'n') {  // never write through a format
            (void)va_arg(ap, void*);
            continue;
        }
        if (!std::strchr("diouxXcsSCZpeEfFgGaA", conv)) {
            out += spec + length + conv;
            continue;
        }
        out += convert(spec + conv, length == "I32" ? "" : length, conv, ap);
    }
    va_end(ap);
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
        h->driver_fault(what, message);
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
