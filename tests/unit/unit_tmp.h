/* unit_tmp.h - the old name of unit.h, kept only until test_store.c includes unit.h; then delete it. */
#include "unit.h"
