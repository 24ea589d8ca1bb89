#include "pci_types.h"

namespace nicsim::pci {

const char* cmd_name(Cmd cmd) {
    switch (cmd) {
        case Cmd::IntAck:
            return "IACK";
        case Cmd::Special:
            return "SPC";
        case Cmd::IoRead:
            return "IOR";
        case Cmd::IoWrite:
            return "IOW";
        case Cmd::MemRead:
            return "MR";
        case Cmd::MemWrite:
            return "MW";
        case Cmd::ConfigRead:
            return "CFGR";
        case Cmd::ConfigWrite:
            return "CFGW";
        case Cmd::MemReadMultiple:
            return "MRM";
        case Cmd::DualAddress:
            return "DAC";
        case Cmd::MemReadLine:
            return "MRL";
        case Cmd::MemWriteInvalidate:
            return "MWI";
    }
    return "RSVD";
}

}  // namespace nicsim::pci
