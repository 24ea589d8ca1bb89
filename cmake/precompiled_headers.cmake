# Precompiled headers. Parsing <systemc> costs about 2 s of CPU in each translation unit that includes it (Catch2's
# header about another second in each test file), so each is parsed once per build: two host targets build the
# precompiled headers, and the libraries and test suites that include them reuse theirs (REUSE_FROM).
# A reused header must have been built with its users' code-generation flags (-O, -g, sanitizers, -std) and with no
# macro they lack: the hosts take only the global flags and SC_INCLUDE_DYNAMIC_PROCESSES; GCC refuses a mismatched
# one (-Winvalid-pch, an error under NICSIM_WERROR). -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON builds without them.
add_library(nicsim_pch_systemc OBJECT ${CMAKE_CURRENT_LIST_DIR}/pch_host.cpp)
target_link_libraries(nicsim_pch_systemc PRIVATE nicsim_systemc nicsim_warnings)
target_precompile_headers(nicsim_pch_systemc PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:<systemc$<ANGLE-R>>")
if(NICSIM_TESTS)
    add_library(nicsim_pch_tests OBJECT ${CMAKE_CURRENT_LIST_DIR}/pch_host.cpp)
    target_link_libraries(nicsim_pch_tests PRIVATE nicsim_systemc Catch2::Catch2 nicsim_warnings)
    target_precompile_headers(nicsim_pch_tests PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:<systemc$<ANGLE-R>>"
                              "$<$<COMPILE_LANGUAGE:CXX>:<catch2/catch.hpp$<ANGLE-R>>")
endif()

# nicsim_precompiled_headers(<systemc|tests> <targets...>): the targets reuse that host's precompiled header.
function(nicsim_precompiled_headers host)
    foreach(target ${ARGN})
        if(TARGET ${target})
            target_precompile_headers(${target} REUSE_FROM nicsim_pch_${host})
            # The headers are C++: a target's C files take none (this applies in the directory that made the target).
            get_target_property(sources ${target} SOURCES)
            list(FILTER sources INCLUDE REGEX "\\.c$")
            if(sources)
                set_source_files_properties(${sources} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
            endif()
        endif()
    endforeach()
endfunction()
