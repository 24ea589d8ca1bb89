#include "testbench/tests/ndis/fake_miniport.h"

namespace nicsim::test {

MiniportScript g_script;
MiniportState g_state;

namespace {

NDIS_HANDLE g_handle = nullptr;
NDIS_HANDLE g_wrapper = nullptr;
int g_context_tag = 0;

void timer_fn(PVOID, PVOID ctx, PVOID, PVOID);
void halt(NDIS_HANDLE ctx);

void call_sg(NDIS_HANDLE h) {
    g_state.sg_status = NdisMInitializeScatterGatherDma(h, g_script.dma64, g_script.max_mapping);
}

void set_attributes(NDIS_HANDLE h) {
    if (g_script.use_set_attributes_ex)
        NdisMSetAttributesEx(h, &g_context_tag, g_script.hang_seconds, g_script.attr_flags, NdisInterfacePci);
    else
        NdisMSetAttributes(h, &g_context_tag, (g_script.attr_flags & NDIS_ATTRIBUTE_BUS_MASTER) ? TRUE : FALSE,
                           NdisInterfacePci);
}

NDIS_STATUS initialize(PNDIS_STATUS open_error, PUINT medium_index, PNDIS_MEDIUM media, UINT n, NDIS_HANDLE h,
                       NDIS_HANDLE wcc) {
    g_handle = h;
    *open_error = NDIS_STATUS_SUCCESS;
    UINT i = 0;
    while (i < n && media[i] != NdisMedium802_3) ++i;
    if (i == n) return NDIS_STATUS_UNSUPPORTED_MEDIA;
    *medium_index = i;

    // Resources: ask for the size, then fetch the list.
    UINT size = 0;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    NdisMQueryAdapterResources(&st, wcc, nullptr, &size);
    g_state.resource_buf.assign(size, 0);
    g_state.resources = reinterpret_cast<NDIS_RESOURCE_LIST*>(g_state.resource_buf.data());
    NdisMQueryAdapterResources(&st, wcc, g_state.resources, &size);
    if (st != NDIS_STATUS_SUCCESS) return st;

    if (g_script.sg_when == SgWhen::BeforeAttributes) call_sg(h);
    set_attributes(h);
    if (g_script.sg_when == SgWhen::AfterAttributes) call_sg(h);
    if (g_script.map_registers_too)
        g_state.map_status = NdisMAllocateMapRegisters(h, 0, g_script.map_dma_size, 4, g_script.max_mapping);
    if (g_script.shared_bytes)
        NdisMAllocateSharedMemory(h, g_script.shared_bytes, FALSE, &g_state.shared_va, &g_state.shared_pa);
    if (g_script.sg_when == SgWhen::AfterSharedMemory) call_sg(h);

    if (g_script.map_io) {
        for (ULONG k = 0; k < g_state.resources->Count; ++k) {
            const CM_PARTIAL_RESOURCE_DESCRIPTOR& d = g_state.resources->PartialDescriptors[k];
            if (d.Type == CmResourceTypeMemory && !g_state.regs) {
                // The DDK packs the descriptor to 4 bytes: Start is not 8-byte aligned, so it is read by value.
                g_state.regs_pa.QuadPart = d.u.Memory.Start.QuadPart;
                g_state.regs_len = d.u.Memory.Length;
                st = NdisMMapIoSpace(&g_state.regs, h, g_state.regs_pa, d.u.Memory.Length);
                if (st != NDIS_STATUS_SUCCESS) return st;
            }
            if (d.Type == CmResourceTypeInterrupt) {
                st = NdisMRegisterInterrupt(&g_state.intr, h, d.u.Interrupt.Vector, d.u.Interrupt.Level, TRUE, TRUE,
                                            NdisInterruptLevelSensitive);
                if (st != NDIS_STATUS_SUCCESS) return st;
            }
        }
    }
    if (g_script.fail_init) {
        halt(nullptr);
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    }
    NdisMInitializeTimer(&g_state.timer, h, timer_fn, &g_context_tag);
    g_state.init_status = NDIS_STATUS_SUCCESS;
    return NDIS_STATUS_SUCCESS;
}

void halt(NDIS_HANDLE ctx) {
    ++g_state.halts;
    if (g_state.map_status == NDIS_STATUS_SUCCESS) NdisMFreeMapRegisters(g_handle);
    if (g_state.intr.InterruptObject) NdisMDeregisterInterrupt(&g_state.intr);
    g_state.intr.InterruptObject = nullptr;
    if (g_state.regs) NdisMUnmapIoSpace(g_handle, g_state.regs, g_state.regs_len);
    g_state.regs = nullptr;
    if (g_state.shared_va)
        NdisMFreeSharedMemory(g_handle, g_script.shared_bytes, FALSE, g_state.shared_va, g_state.shared_pa);
    g_state.shared_va = nullptr;
}

/// The answers a start needs: values any 802.3 miniport could give (the address is FakePlatform's EEPROM-less one).
bool start_answer(NDIS_OID oid, std::vector<uint8_t>& out) {
    auto ulong = [&](ULONG v) { out.assign(reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 4); };
    switch (oid) {
        case OID_GEN_MAC_OPTIONS:
            ulong(NDIS_MAC_OPTION_NO_LOOPBACK);
            return true;
        case OID_802_3_CURRENT_ADDRESS:
            out = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
            return true;
        case OID_GEN_MAXIMUM_LOOKAHEAD:
            ulong(1500);
            return true;
        case OID_GEN_CURRENT_LOOKAHEAD:
            ulong(256);
            return true;
        case OID_GEN_MAXIMUM_SEND_PACKETS:
            ulong(g_script.max_send_packets);
            return true;
        case OID_802_3_MAXIMUM_LIST_SIZE:
            ulong(32);
            return true;
        case OID_GEN_MEDIA_CONNECT_STATUS:
            ulong(NdisMediaStateDisconnected);
            return true;
        default:
            return false;
    }
}

NDIS_STATUS query(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG written, PULONG needed) {
    g_state.queried.push_back(oid);
    g_state.query_irql.push_back(KeGetCurrentIrql());
    std::vector<uint8_t> answer;
    if (g_script.answer_start_oids && oid != g_script.refuse_oid && start_answer(oid, answer)) {
        if (len < answer.size()) {
            *needed = static_cast<ULONG>(answer.size());
            return NDIS_STATUS_INVALID_LENGTH;
        }
        NdisMoveMemory(buf, answer.data(), static_cast<ULONG>(answer.size()));
        *written = static_cast<ULONG>(answer.size());
        return NDIS_STATUS_SUCCESS;
    }
    if (oid != OID_GEN_MAXIMUM_FRAME_SIZE) return NDIS_STATUS_INVALID_OID;
    if (len < sizeof(ULONG)) {
        *needed = sizeof(ULONG);
        return NDIS_STATUS_INVALID_LENGTH;
    }
    const ULONG v = 1500;
    NdisMoveMemory(buf, &v, sizeof v);
    *written = sizeof v;
    return g_script.query_status;
}

NDIS_STATUS set(NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len, PULONG read, PULONG needed) {
    if (oid != OID_GEN_CURRENT_PACKET_FILTER) return NDIS_STATUS_INVALID_OID;
    *read = len;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS reset(PBOOLEAN addressing, NDIS_HANDLE ctx) {
    ++g_state.resets;
    *addressing = TRUE;
    return g_script.reset_status;
}

void record(PNDIS_PACKET p) {
    SgSeen s{false, {}, 0};
    auto* list = static_cast<PSCATTER_GATHER_LIST>(NDIS_PER_PACKET_INFO_FROM_PACKET(p, ScatterGatherListPacketInfo));
    if (list && g_script.assert_one_element && list->NumberOfElements != 1)
        RtlAssert(const_cast<char*>("list->NumberOfElements == 1"), const_cast<char*>("send.c"), 63, nullptr);
    if (list) {
        s.present = true;
        s.elements.assign(list->Elements, list->Elements + list->NumberOfElements);
    }
    s.lso_mss = reinterpret_cast<uintptr_t>(NDIS_PER_PACKET_INFO_FROM_PACKET(p, TcpLargeSendPacketInfo));
    g_state.seen.push_back(s);
}

/// Counts a send call and whether it re-entered the miniport; the caller decrements handlers_running.
void enter_send() {
    ++g_state.send_calls;
    if (g_state.handlers_running) ++g_state.send_calls_reentered;
    ++g_state.handlers_running;
}

bool over_capacity() {
    return g_script.send_capacity && g_state.held.size() >= g_script.send_capacity;
}

void send_packets(NDIS_HANDLE ctx, PPNDIS_PACKET packets, UINT n) {
    enter_send();
    g_state.packets_per_call.push_back(n);
    if (g_script.stall_in_send_us) NdisStallExecution(g_script.stall_in_send_us);
    g_state.dpc_calls_seen_in_send = g_state.dpc_calls;
    for (UINT i = 0; i < n; ++i) {
        if (!(g_script.attr_flags & NDIS_ATTRIBUTE_DESERIALIZE) && over_capacity()) {
            NDIS_SET_PACKET_STATUS(packets[i], NDIS_STATUS_RESOURCES);
            continue;
        }
        record(packets[i]);
        if (!(g_script.attr_flags & NDIS_ATTRIBUTE_DESERIALIZE)) {
            NDIS_SET_PACKET_STATUS(packets[i], g_script.serialized_status);
            if (g_script.serialized_status == NDIS_STATUS_PENDING) g_state.held.push_back(packets[i]);
            continue;
        }
        if (g_script.complete_in_send)
            NdisMSendComplete(g_handle, packets[i], NDIS_STATUS_SUCCESS);
        else
            g_state.held.push_back(packets[i]);
    }
    --g_state.handlers_running;
}

void isr(PBOOLEAN recognized, PBOOLEAN queue, NDIS_HANDLE ctx) {
    ++g_state.isr_calls;
    ULONG icr = 0;
    NdisReadRegisterUlong(static_cast<PUCHAR>(g_state.regs) + 0xC0, &icr);
    g_state.last_icr = icr;
    *recognized = icr != 0;
    *queue = icr != 0 && g_script.queue_dpc;
}

void handle_interrupt(NDIS_HANDLE ctx) {
    ++g_state.dpc_calls;
    ++g_state.handlers_running;
    if (g_script.dpc_hook) g_script.dpc_hook();
    --g_state.handlers_running;
}

void timer_fn(PVOID, PVOID ctx, PVOID, PVOID) {
    if (g_script.timer_hook) g_script.timer_hook();
}

void return_packet(NDIS_HANDLE ctx, PNDIS_PACKET p) {
    ++g_state.returns;
}

BOOLEAN check_for_hang(NDIS_HANDLE ctx) {
    return g_script.hung ? TRUE : FALSE;
}

NDIS_STATUS send_one(NDIS_HANDLE ctx, PNDIS_PACKET p, UINT flags) {
    enter_send();
    NDIS_STATUS st = NDIS_STATUS_RESOURCES;
    if (!over_capacity()) {
        record(p);
        g_state.held.push_back(p);
        st = NDIS_STATUS_PENDING;
    }
    --g_state.handlers_running;
    return st;
}

}  // namespace

NDIS_STATUS fake_driver_entry(PVOID driver_object, PVOID registry_path) {
    NdisMInitializeWrapper(&g_wrapper, driver_object, registry_path, nullptr);
    NDIS_MINIPORT_CHARACTERISTICS c;
    NdisZeroMemory(&c, sizeof c);
    c.MajorNdisVersion = g_script.major;
    c.MinorNdisVersion = g_script.minor;
    c.InitializeHandler = initialize;
    c.HaltHandler = halt;
    c.QueryInformationHandler = query;
    c.SetInformationHandler = set;
    c.ResetHandler = reset;
    if (g_script.use_send_handler)
        c.SendHandler = send_one;
    else
        c.SendPacketsHandler = send_packets;
    c.ISRHandler = isr;
    c.HandleInterruptHandler = handle_interrupt;
    c.ReturnPacketHandler = return_packet;
    c.CheckForHangHandler = check_for_hang;
    c.TransferDataHandler = g_script.transfer_data;
    UINT len = sizeof(NDIS51_MINIPORT_CHARACTERISTICS);
    if (g_script.major == 5 && g_script.minor == 0) len = sizeof(NDIS50_MINIPORT_CHARACTERISTICS);
    if (g_script.major == 4) len = sizeof(NDIS40_MINIPORT_CHARACTERISTICS);
    const NDIS_STATUS st = NdisMRegisterMiniport(g_wrapper, &c, len);
    if (st != NDIS_STATUS_SUCCESS) NdisTerminateWrapper(g_wrapper, nullptr);
    return st;
}

void fake_complete_all(NDIS_STATUS status) {
    std::vector<PNDIS_PACKET> held;
    held.swap(g_state.held);
    for (PNDIS_PACKET p : held) NdisMSendComplete(g_handle, p, status);
}

NDIS_HANDLE fake_adapter_handle() {
    return g_handle;
}

}  // namespace nicsim::test
