/* Names that open: a dosdevices entry for each announced link of a device with a node under /dev.
 *
 * Under Wine, CreateFileW("\\?\X") looks for X, lower-cased, in the prefix's dosdevices directory and opens what
 * that entry points at (ntdll's nt_to_unix_file_name -> get_dos_device, Wine 8, 10 and 11 alike); an object
 * manager symbolic link does not help, since Wine opens files only through dosdevices (the wineserver resolves
 * an object link only to its own objects).  So the link "\\?\STORAGE#DISK#LOOP0#{53f56307-...}" opens
 * /dev/loop0 once dosdevices holds "storage#disk#loop0#{53f56307-...}" -> /dev/loop0.
 *
 * The helper owns these entries, not the DLL: it sees the device first, so it makes the entry before the
 * record that announces the device leaves, and removes it before the record that announces the removal; and
 * it outlives its program by milliseconds, so a program killed with -9 leaves nothing.
 *
 * Several helpers (one per process of the prefix that uses our DLLs) may publish the same entry.  Each holds a
 * reference, a file in its own holder directory under a per-user state directory, and keeps an exclusive lock on
 * that directory's ".lock" for its whole life, so that a holder is alive exactly while its lock is held (a
 * helper killed with -9 loses it with its descriptors).  Every change is made under one lock per prefix, an flock
 * on its dosdevices directory; the prefix's state directory goes with its last holder.
 * - A device that goes: its entry goes at once (it is false for every holder), unless another live holder has
 *   published it again since (a newer uevent sequence number than the removal's: the device came back).
 * - A helper that exits: its references go, and each entry no other live holder references.
 * - A dead holder (killed): swept, with its entries no live holder references, after each device snapshot
 *   (the DLL starts a new helper when its helper dies, and the new helper's first snapshot republishes what is
 *   still there before the sweep).
 * Device-controlled names are checked before they become file names (links_entry_name, links_node_path). */
#ifndef WN_HOST_LINKS_H
#define WN_HOST_LINKS_H

#include <stddef.h>
#include <stdint.h>

#define LINKS_NAME_MAX 255   /* NAME_MAX, and Wine's MAX_DIR_ENTRY_LEN */

struct links;

/* The prefix's dosdevices directory as Wine finds it ($WINEPREFIX, else $HOME/.wine) and the state directory
 * ($WINENOTIFY_LINKS_DIR, else $XDG_RUNTIME_DIR/winenotify-links, else /tmp/winenotify-links-<uid>).  0 or -1. */
int links_default_dirs(char *dosdevices, size_t dos_cap, char *state, size_t state_cap);

/* Starts publishing into dosdevices for nodes under dev_root ("/dev"), with holder state under state_dir (made
 * if missing: ours alone, 0700); trace (may be NULL) hears what is made and removed.  NULL (errno set) when
 * either directory is unusable: then nothing is published. */
struct links *links_open(const char *dosdevices, const char *state_dir, const char *dev_root,
                         void (*trace)(const char *text));

/* Releases this helper's references (and the entries nobody else holds). */
void links_close(struct links *links);

/* A device record about to be reported (op WN_WIRE_OP_ADD, CHANGE or DEL, seqnum 0 when enumerated): makes the
 * entries of the links it now has, removes those it no longer has.  Call before the record is sent.
 *
 * A serial port also gets the COM name Wine would give it: the comN whose dosdevices entry already points at its
 * node (Wine maps each working /dev/ttyS*, ttyUSB*, ttyACM* at its start: com1 -> /dev/ttyS0), else the lowest
 * free N, whose entry "comN" is made and removed with the port's, so that \\.\COMn opens it while it is there.
 * The name is added to the record as WN_PORT_NAME=COMn: written into extra (KEY=VALUE and its NUL, at most
 * extra_cap bytes), whose length is returned (0 when there is nothing to add). */
size_t links_device(struct links *links, uint16_t op, uint64_t seqnum, const char *props, size_t props_len,
                    char *extra, size_t extra_cap);

/* Around a device snapshot: devices not reported between the two lose their entries at the end, and dead holders
 * are swept.  Call links_snapshot_end before the snapshot's end is sent. */
void links_snapshot_begin(struct links *links);
void links_snapshot_end(struct links *links);

/* The dosdevices entry name of a symbolic link: without "\\?\", lower case.  0, or -1 when the link cannot be
 * one (a reference string, a '/', "..", a control or Wine-invalid character, empty or longer than
 * LINKS_NAME_MAX). */
int links_entry_name(const char *link, char *buf, size_t cap);

/* dev_root + "/" + devname, for a DEVNAME that stays under dev_root (relative, no "..", no empty component, no
 * control characters).  0 or -1. */
int links_node_path(const char *dev_root, const char *devname, char *buf, size_t cap);

#endif
