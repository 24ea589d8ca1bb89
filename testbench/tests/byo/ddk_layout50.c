/* The same header with NDIS50_MINIPORT defined before it, as an NDIS 5.0 miniport's sources have it. */
#define NDIS50_MINIPORT 1
#include <ndis.h>

struct ddk_fact {
    const char* name;
    unsigned long long value;
};

#define FACT(x) \
    { #x, (unsigned long long)(x) }

const struct ddk_fact* nicsim_ddk50_facts(unsigned* count) {
    static const struct ddk_fact facts[] = {
        FACT(NDIS_MINIPORT_MAJOR_VERSION),
        FACT(NDIS_MINIPORT_MINOR_VERSION),
        FACT(sizeof(NDIS_MINIPORT_CHARACTERISTICS)),
    };
    *count = (unsigned)ARRAYSIZE(facts);
    return facts;
}
