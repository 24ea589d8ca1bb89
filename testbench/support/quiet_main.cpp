// Every nicsim executable starts here instead of SystemC's own main(): the same start-up, without the SystemC
// banner on every run (set SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=0 to see it again).
#include <cstdlib>

#include <systemc>

int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
