/* Emitters: one parsed export list in, one generated build input out. */
#ifndef WN_EMIT_H
#define WN_EMIT_H

#include <stdio.h>
#include "spec.h"

enum emit_arch { ARCH_X86_64, ARCH_I386 };

int emit_arch_from_name(const char *name, enum emit_arch *arch);

/* The module-definition file the linker exports from. */
void emit_def(FILE *out, const struct spec *spec, const char *dll, enum emit_arch arch);

/* Assembly for every forwarded export: an exported stub that jumps through a slot, a resolver entry that
 * fills the slot on first call, a not-supported stub, and the tables dlls/common/forward.c reads. */
void emit_thunks(FILE *out, const struct spec *spec, const char *dll, enum emit_arch arch);

/* A C table of every export and whether it is ours, for the tests and the demo. */
void emit_table(FILE *out, const struct spec *spec, const char *dll);

#endif
