// The scripted agents are compiled here: testbench/support/CMakeLists.txt builds only the test main, and only the
// PCI suite uses them. (Move scripted_agent.cpp into a support library when another suite needs it.)
#include "testbench/support/scripted_agent.cpp"
