# find_package(nicsim): the DDK headers as target nicsim::ddk and nicsim_add_miniport() to build a miniport shared
# object that `nicsim --miniport` loads. Relocatable: everything is found relative to this file
# (<prefix>/lib/cmake/nicsim).
get_filename_component(_nicsim_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(nicsim_INCLUDE_DIR "${_nicsim_prefix}/include/nicsim/ddk")
set(nicsim_EXECUTABLE "${_nicsim_prefix}/bin/nicsim")
if(NOT TARGET nicsim::ddk)
    add_library(nicsim::ddk INTERFACE IMPORTED)
    set_target_properties(nicsim::ddk PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${nicsim_INCLUDE_DIR}")
endif()

# nicsim_add_miniport(<name> SOURCES <files...> [DEFINITIONS <defs...>]): a shared object <name>.so built from C
# (or C++) sources against the DDK headers. NDIS names stay undefined; nicsim provides them when it loads the file.
function(nicsim_add_miniport name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEFINITIONS" ${ARGN})
    if(NOT ARG_SOURCES)
        message(FATAL_ERROR "nicsim_add_miniport(${name}): no SOURCES")
    endif()
    add_library(${name} MODULE ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE nicsim::ddk)
    target_compile_definitions(${name} PRIVATE ${ARG_DEFINITIONS})
    set_target_properties(${name} PROPERTIES PREFIX "" POSITION_INDEPENDENT_CODE ON)
endfunction()
unset(_nicsim_prefix)
