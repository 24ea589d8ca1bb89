#include "model/nic/data_path.h"

namespace nicsim::nic {

class DmaEngine {};
class TxEngine {};
class RxEngine {};

NicDataPath::NicDataPath(NicContext& ctx, WireSink& wire) : m_ctx(ctx), m_wire(wire) {}
NicDataPath::~NicDataPath() = default;
void NicDataPath::reset() { m_stats = DataPathStats{}; }
void NicDataPath::register_written(uint32_t, uint32_t) {}
void NicDataPath::receive(const Frame&) {}
bool NicDataPath::busy() const { return false; }
void NicDataPath::tick() { ++m_stats.busy_ticks; }
void NicDataPath::master_done(const pci::MasterRequest&, pci::MasterStatus, uint32_t) {}

}  // namespace nicsim::nic
