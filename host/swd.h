/* Software devices shared by every helper of one host user (SwDeviceCreate & co. in any Wine process).
 *
 * A directory holds one file per device and per enabled interface (see swd_request.h for their names and
 * contents).  Every helper watches it with inotify and reports what appears and disappears there as DEVICE
 * records, so every process sees every process's devices, with no polling: the kernel tells each helper the
 * moment a file is linked in or unlinked, in one order for all of them.  Files appear whole (written under a
 * temporary name, then hard-linked, which also makes creation exclusive) and are never rewritten.
 *
 * Who owns what: a helper that makes devices first makes an owner file ('O...') and holds an flock on it for its
 * life; each of its entries names that file.  When a helper dies, even by kill -9, the kernel closes the owner
 * file, inotify reports IN_CLOSE_WRITE to every other helper, and the first to take the lock removes the dead
 * helper's entries (interfaces first) and then the owner file.  A helper that starts finds leftovers of helpers
 * that died while none watched by the same test when it reads the directory.  A helper removes its own devices
 * when its connection closes. */
#ifndef WN_HOST_SWD_H
#define WN_HOST_SWD_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

#define SWD_ENV_DIR "WINENOTIFY_SWD_DIR"

struct swd;

/* Receives each device record: op ADD or DEL, the "KEY=VALUE\0..." block (DEVPATH first).  Returns 0, or -1 to
 * stop (the output is gone). */
typedef int (*swd_report_fn)(void *ctx, uint16_t op, const char *props, size_t props_len);

/* The directory to use: $WINENOTIFY_SWD_DIR, else $XDG_RUNTIME_DIR/winenotify-swd, else /tmp/winenotify-<uid>.
 * Returns 0, or -1 when the path does not fit or is not absolute. */
int swd_default_dir(char *buf, size_t cap);

/* Opens the directory (made 0700 if missing) and starts watching it.  NULL when it is unusable: not a
 * directory, owned by another user, writable by group or others, or no inotify (errno says which). */
struct swd *swd_open(const char *dir);

/* Removes this helper's devices (interfaces first) and stops watching.  NULL is ignored. */
void swd_close(struct swd *swd);

/* The inotify fd, for poll(). */
int swd_fd(const struct swd *swd);

/* Reads the directory whole and reports every entry as ADD, devices first, after removing the entries of dead
 * helpers (for a snapshot of WN_TABLE_DEVICE, and after swd_read returned 1).  Returns 0 or -1 when report did. */
int swd_enumerate(struct swd *swd, swd_report_fn report, void *ctx);

/* Reads the pending inotify events (non-blocking) and reports each entry that appeared (ADD) or disappeared
 * (DEL).  Returns 0, 1 when events were lost (IN_Q_OVERFLOW: call swd_enumerate as a resync), or -1 when report
 * did. */
int swd_read(struct swd *swd, swd_report_fn report, void *ctx);

/* Carries out a request checked by swd_request_check: returns an enum wn_wire_result.  Its records come with the
 * next swd_read (the kernel has queued them when this returns). */
uint32_t swd_request(struct swd *swd, uint16_t type, uint16_t op, const struct wn_wire_sw *sw);

#endif
