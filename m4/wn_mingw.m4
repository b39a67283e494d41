# WN_CHECK_MINGW_CC(ARCH, CANDIDATES)
# ----------------------------------
# Finds a MinGW-w64 cross compiler for ARCH the way Wine's configure does: the user's $ARCH_CC if given,
# otherwise the first of CANDIDATES on PATH, and then proves it by building a PE DLL.  Sets ARCH_CC (empty
# when none works) and ARCH_OBJDUMP.
AC_DEFUN([WN_CHECK_MINGW_CC],
[AC_ARG_VAR([$1_CC], [MinGW-w64 cross compiler for $1 PE code])
if test -z "$$1_CC"; then
  AC_CHECK_PROGS([$1_CC], [$2])
fi
if test -n "$$1_CC"; then
  AC_MSG_CHECKING([whether $$1_CC builds a $1 PE DLL])
  cat > conftest_pe.c <<_WN_EOF
#include <windows.h>
BOOL WINAPI DllMain(HINSTANCE h, DWORD r, void *p) { (void)h; (void)r; (void)p; return TRUE; }
_WN_EOF
  if $$1_CC -shared -o conftest_pe.dll conftest_pe.c >&AS_MESSAGE_LOG_FD 2>&1 && test -s conftest_pe.dll; then
    AC_MSG_RESULT([yes])
  else
    AC_MSG_RESULT([no])
    $1_CC=""
  fi
  rm -f conftest_pe.c conftest_pe.dll
fi
if test -n "$$1_CC"; then
  wn_prefix=`echo "$$1_CC" | sed 's/-\(gcc\|clang\|cc\)$//'`
  AC_CHECK_PROGS([$1_OBJDUMP], [$wn_prefix-objdump llvm-objdump objdump])
fi
])
