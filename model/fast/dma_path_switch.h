// The NIC's DMA path in a machine that has both bus models (--detail-from): the DMA engine's requests go either to
// the NIC's pin-level bus-master engine or to FastDmaPort, whichever select() chose. A change of path happens only
// between two requests, never inside a burst: hold() makes the port look busy to the DMA engine, so it starts no new
// request; quiescent() says the request running on the current path (if any) has completed; select() changes the
// path and lets the engine go on. An operation split into several requests may continue on the other path: its
// bytes so far are already in host memory or in the NIC.
//
// Hardware interface: nic::DmaPort towards the NIC's DMA engine (Nic82540em::use_dma_port); the two paths as
// nic::DmaPort. Completions do not pass through here: each path reports to the NIC itself.
#pragma once

#include "model/nic/dma_engine.h"

namespace nicsim::fast {

class DmaPathSwitch : public nic::DmaPort {
  public:
    /// Starts on `fast`.
    DmaPathSwitch(nic::DmaPort& fast, nic::DmaPort& pin) : m_fast(fast), m_pin_port(pin) {}

    bool busy() const override { return m_held || current().busy(); }
    void start(const pci::MasterRequest& rq) override { current().start(rq); }

    /// The DMA engine starts no new request until select().
    void hold() { m_held = true; }
    /// No request is running on the current path.
    bool quiescent() const { return !current().busy(); }
    /// Take the pin-level path (true) or the fast one, and let the DMA engine go on.
    void select(bool pin) {
        m_pin = pin;
        m_held = false;
    }
    bool pin() const { return m_pin; }

  private:
    const nic::DmaPort& current() const { return m_pin ? m_pin_port : m_fast; }
    nic::DmaPort& current() { return m_pin ? m_pin_port : m_fast; }

    nic::DmaPort& m_fast;
    nic::DmaPort& m_pin_port;
    bool m_pin = false;
    bool m_held = false;
};

}  // namespace nicsim::fast
