/* e1000c: device programming - reset, EEPROM, receive address and filters, starting and stopping the engines. */
#include "e1000c.h"

ULONG E1000cRead(IN PE1000C_ADAPTER Adapter, IN ULONG Register) {
    ULONG Value;
    NdisReadRegisterUlong((PULONG)(Adapter->CsrBase + Register), &Value);
    return Value;
}

VOID E1000cWrite(IN PE1000C_ADAPTER Adapter, IN ULONG Register, IN ULONG Value) {
    NdisWriteRegisterUlong((PULONG)(Adapter->CsrBase + Register), Value);
}

/* Software reset (manual 14.9): CTRL.RST self-clears when the device is done; interrupts masked and causes read
 * away afterwards so that nothing from before the reset reaches the ISR. */
BOOLEAN E1000cReset(IN PE1000C_ADAPTER Adapter) {
    ULONG Poll;

    E1000cWrite(Adapter, E1000C_IMC, 0xFFFFFFFF);
    E1000cWrite(Adapter, E1000C_CTRL, E1000cRead(Adapter, E1000C_CTRL) | E1000C_CTRL_RST);
    for (Poll = 0; Poll < E1000C_RESET_POLLS; Poll++) {
        NdisStallExecution(10);
        if ((E1000cRead(Adapter, E1000C_CTRL) & E1000C_CTRL_RST) == 0) {
            E1000cWrite(Adapter, E1000C_IMC, 0xFFFFFFFF);
            (VOID) E1000cRead(Adapter, E1000C_ICR);
            return TRUE;
        }
    }
    DbgPrint("e1000c: CTRL.RST did not clear\n");
    return FALSE;
}

static BOOLEAN E1000cReadEeprom(IN PE1000C_ADAPTER Adapter, IN ULONG Word, OUT PUSHORT Data) {
    ULONG Poll, Value;

    E1000cWrite(Adapter, E1000C_EERD, E1000C_EERD_START | (Word << E1000C_EERD_ADDR_SHIFT));
    for (Poll = 0; Poll < E1000C_EEPROM_POLLS; Poll++) {
        NdisStallExecution(1);
        Value = E1000cRead(Adapter, E1000C_EERD);
        if (Value & E1000C_EERD_DONE) {
            *Data = (USHORT)(Value >> E1000C_EERD_DATA_SHIFT);
            return TRUE;
        }
    }
    return FALSE;
}

/* The Ethernet address is EEPROM words 0..2, low byte first; the image is valid when words 0..0x3F sum to 0xBABA
 * (manual 5.6, EEPROM map). */
NDIS_STATUS E1000cReadPermanentAddress(IN PE1000C_ADAPTER Adapter) {
    USHORT Word, Sum = 0;
    ULONG i;

    for (i = 0; i < E1000C_EEPROM_WORDS; i++) {
        if (!E1000cReadEeprom(Adapter, i, &Word)) {
            DbgPrint("e1000c: EEPROM word %lu not read\n", (unsigned long)i);
            return NDIS_STATUS_DEVICE_FAILED;
        }
        if (i < 3) {
            Adapter->PermanentAddress[2 * i] = (UCHAR)(Word & 0xFF);
            Adapter->PermanentAddress[2 * i + 1] = (UCHAR)(Word >> 8);
        }
        Sum = (USHORT)(Sum + Word);
    }
    if (Sum != E1000C_EEPROM_SUM) {
        DbgPrint("e1000c: EEPROM checksum 0x%04x, expected 0x%04x\n", Sum, E1000C_EEPROM_SUM);
        return NDIS_STATUS_DEVICE_FAILED;
    }
    return NDIS_STATUS_SUCCESS;
}

/* Receive filters from the NDIS packet filter: the station address always sits in RAL0/RAH0, the multicast list
 * in the multicast table (hash of address bits 47:36, RCTL.MO = 00, manual 13.5.1). */
VOID E1000cApplyFilter(IN PE1000C_ADAPTER Adapter) {
    ULONG Rctl, Table[E1000C_MTA_ENTRIES], i;

    NdisZeroMemory(Table, sizeof(Table));
    if (Adapter->PacketFilter & NDIS_PACKET_TYPE_MULTICAST) {
        for (i = 0; i < Adapter->MulticastCount; i++) {
            ULONG Hash = ((Adapter->Multicast[i][4] >> 4) | ((ULONG)Adapter->Multicast[i][5] << 4)) & 0xFFF;
            Table[Hash >> 5] |= 1u << (Hash & 31);
        }
    }
    for (i = 0; i < E1000C_MTA_ENTRIES; i++) E1000cWrite(Adapter, E1000C_MTA(i), Table[i]);

    Rctl = E1000cRead(Adapter, E1000C_RCTL) & ~(E1000C_RCTL_UPE | E1000C_RCTL_MPE | E1000C_RCTL_BAM | E1000C_RCTL_PMCF);
    if (Adapter->PacketFilter & NDIS_PACKET_TYPE_PROMISCUOUS) Rctl |= E1000C_RCTL_UPE | E1000C_RCTL_MPE;
    if (Adapter->PacketFilter & NDIS_PACKET_TYPE_ALL_MULTICAST) Rctl |= E1000C_RCTL_MPE;
    if (Adapter->PacketFilter & (NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)) Rctl |= E1000C_RCTL_BAM;
    if (Adapter->PacketFilter & NDIS_PACKET_TYPE_MAC_FRAME) Rctl |= E1000C_RCTL_PMCF;
    E1000cWrite(Adapter, E1000C_RCTL, Rctl);
}

VOID E1000cUpdateLink(IN PE1000C_ADAPTER Adapter) {
    Adapter->MediaState =
        (E1000cRead(Adapter, E1000C_STATUS) & E1000C_STATUS_LU) ? NdisMediaStateConnected : NdisMediaStateDisconnected;
}

/* As the "wait for autonegotiation" option of Intel's drivers: autonegotiation restarted and initialization held
 * until it completes, so the adapter reports its link state correctly from the start. Autonegotiation takes a few
 * seconds on real hardware; 5 s is the limit. */
VOID E1000cWaitForLink(IN PE1000C_ADAPTER Adapter) {
    ULONG Waited, Mdic = 0, i;

    E1000cWrite(Adapter, E1000C_CTRL,
                (E1000cRead(Adapter, E1000C_CTRL) & ~E1000C_CTRL_RST) | E1000C_CTRL_SLU | E1000C_CTRL_ASDE);
    /* Autonegotiation restarted, as a driver does when it sets the link up: the link drops until it completes. */
    E1000cWrite(Adapter, E1000C_MDIC, E1000C_MDIC_WRITE(E1000C_PHY_BMCR, E1000C_BMCR_ANENABLE | E1000C_BMCR_ANRESTART));
    for (i = 0; i < 100 && !(Mdic & E1000C_MDIC_READY); i++) {
        NdisStallExecution(1);
        Mdic = E1000cRead(Adapter, E1000C_MDIC);
    }
    if (!(Mdic & E1000C_MDIC_READY) || (Mdic & E1000C_MDIC_ERROR)) DbgPrint("e1000c: PHY write failed\n");
    for (Waited = 0; Waited < 5000 && !(E1000cRead(Adapter, E1000C_STATUS) & E1000C_STATUS_LU); Waited++)
        NdisMSleep(1000);
    DbgPrint("e1000c: waited %u ms for autonegotiation\n", (unsigned)Waited);
}

/* Link, station address, then each ring programmed and its engine enabled; receive buffers are handed to the NIC
 * (RDT) only once the receiver is enabled (manual 14.4 and 14.5 give the order). */
VOID E1000cStart(IN PE1000C_ADAPTER Adapter) {
    const UCHAR* Mac = Adapter->CurrentAddress;
    ULONG i;

    E1000cWrite(Adapter, E1000C_CTRL,
                (E1000cRead(Adapter, E1000C_CTRL) & ~E1000C_CTRL_RST) | E1000C_CTRL_SLU | E1000C_CTRL_ASDE);
    E1000cWrite(Adapter, E1000C_RAL(0), Mac[0] | (Mac[1] << 8) | (Mac[2] << 16) | ((ULONG)Mac[3] << 24));
    E1000cWrite(Adapter, E1000C_RAH(0), Mac[4] | (Mac[5] << 8) | E1000C_RAH_AV);
    for (i = 1; i < E1000C_RA_ENTRIES; i++) {
        E1000cWrite(Adapter, E1000C_RAL(i), 0);
        E1000cWrite(Adapter, E1000C_RAH(i), 0);
    }

    Adapter->TxHead = Adapter->TxTail = 0;
    Adapter->TxFree = E1000C_TX_DESCRIPTORS;
    E1000cWrite(Adapter, E1000C_TDBAL, NdisGetPhysicalAddressLow(Adapter->TxRingPhysical));
    E1000cWrite(Adapter, E1000C_TDBAH, (ULONG)NdisGetPhysicalAddressHigh(Adapter->TxRingPhysical));
    E1000cWrite(Adapter, E1000C_TDLEN, E1000C_TX_DESCRIPTORS * sizeof(E1000C_TX_DESC));
    E1000cWrite(Adapter, E1000C_TDH, 0);
    E1000cWrite(Adapter, E1000C_TDT, 0);
    E1000cWrite(Adapter, E1000C_TIPG, E1000C_TIPG_DEFAULT);
    E1000cWrite(Adapter, E1000C_TCTL,
                E1000C_TCTL_EN | E1000C_TCTL_PSP | (0x0F << E1000C_TCTL_CT_SHIFT) | (0x40 << E1000C_TCTL_COLD_SHIFT));

    for (i = 0; i < E1000C_RX_DESCRIPTORS; i++) {
        NdisZeroMemory(&Adapter->RxRing[i], sizeof(E1000C_RX_DESC));
        Adapter->RxRing[i].BufferAddress =
            (UINT64)Adapter->RxBuffersPhysical.QuadPart + (UINT64)i * E1000C_RX_BUFFER_SIZE;
    }
    Adapter->RxNext = 0;
    E1000cWrite(Adapter, E1000C_RDBAL, NdisGetPhysicalAddressLow(Adapter->RxRingPhysical));
    E1000cWrite(Adapter, E1000C_RDBAH, (ULONG)NdisGetPhysicalAddressHigh(Adapter->RxRingPhysical));
    E1000cWrite(Adapter, E1000C_RDLEN, E1000C_RX_DESCRIPTORS * sizeof(E1000C_RX_DESC));
    E1000cWrite(Adapter, E1000C_RDH, 0);
    E1000cWrite(Adapter, E1000C_RDT, 0);
    E1000cWrite(Adapter, E1000C_RDTR, 0);
    E1000cWrite(Adapter, E1000C_RCTL, E1000C_RCTL_SECRC);
    E1000cApplyFilter(Adapter);
    E1000cWrite(Adapter, E1000C_RCTL, E1000cRead(Adapter, E1000C_RCTL) | E1000C_RCTL_EN);
    /* All but one descriptor: head == tail means "none for the NIC". */
    E1000cWrite(Adapter, E1000C_RDT, E1000C_RX_DESCRIPTORS - 1);

    E1000cUpdateLink(Adapter);
    E1000cWrite(Adapter, E1000C_IMS, E1000C_INTERRUPTS);
}

/* Interrupts off, engines off, then a reset so that the device touches no host memory any more. */
VOID E1000cStop(IN PE1000C_ADAPTER Adapter) {
    E1000cWrite(Adapter, E1000C_IMC, 0xFFFFFFFF);
    E1000cWrite(Adapter, E1000C_RCTL, E1000cRead(Adapter, E1000C_RCTL) & ~E1000C_RCTL_EN);
    E1000cWrite(Adapter, E1000C_TCTL, E1000cRead(Adapter, E1000C_TCTL) & ~E1000C_TCTL_EN);
    (VOID) E1000cReset(Adapter);
}
