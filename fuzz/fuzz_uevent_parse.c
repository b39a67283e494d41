/* The uevent parsers (host/uevent_parse.c) on arbitrary bytes: as a kernel datagram and as the text of a /sys
 * uevent file.  An accepted event must give a well-formed property block (NUL-terminated KEY=VALUE strings,
 * within the record, with room left for the helper's own properties), keyed by an absolute DEVPATH, and a device
 * record the DLL's decoder accepts unchanged; a move must give the removal of its old path. */
#include <string.h>

#include "uevent_parse.h"
#include "check.h"

static void check_block(const struct uevent *ev)
{
    const char *p = ev->props, *end = ev->props + ev->props_len, *devpath;

    CHECK(ev->op == WN_WIRE_OP_ADD || ev->op == WN_WIRE_OP_CHANGE || ev->op == WN_WIRE_OP_DEL);
    CHECK(ev->props_len > 0 && ev->props_len <= UEVENT_PROPS_MAX);
    CHECK(!ev->props[ev->props_len - 1]);
    while (p < end)
    {
        size_t n = strlen(p);
        const char *eq = memchr(p, '=', n);

        CHECK(n > 0 && eq && eq != p);
        p += n + 1;
    }
    CHECK(uevent_prop(ev, "ACTION") != NULL);
    CHECK((devpath = uevent_prop(ev, "DEVPATH")) && devpath[0] == '/');
    (void)uevent_wanted(ev);
}

/* The device record the helper sends for ev, decoded as the DLL decodes it. */
static void check_wire(const struct uevent *ev)
{
    static uint8_t buf[WN_WIRE_MAX_RECORD];
    struct wn_wire_device dev = { ev->seqnum, ev->ifindex, 0, 0 };
    struct wn_wire_record rec;
    size_t len = wn_wire_encode(buf, sizeof(buf), WN_WIRE_DEVICE, ev->op, &dev, ev->props, ev->props_len);

    CHECK(len > 0);
    CHECK(wn_wire_decode(buf, len, &rec) == (long)len);
    CHECK(rec.type == WN_WIRE_DEVICE && rec.op == ev->op);
    CHECK(rec.u.device.props_len == ev->props_len && !memcmp(rec.props, ev->props, ev->props_len));
    CHECK(!strcmp(wn_wire_prop(rec.props, rec.u.device.props_len, "DEVPATH"), uevent_prop(ev, "DEVPATH")));
}

/* The parsers leave UEVENT_PROPS_SPARE free for the properties the helper adds. */
static void check_spare(struct uevent *ev)
{
    size_t before = ev->props_len;

    CHECK(before <= UEVENT_PROPS_MAX - UEVENT_PROPS_SPARE);
    CHECK(uevent_add_prop(ev, "WN_FUZZ", "1") == 0);
    CHECK(ev->props_len == before + sizeof("WN_FUZZ=1"));
    check_block(ev);
    check_wire(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct uevent ev, old;
    const char *action;

    if (!uevent_parse(data, size, &ev))
    {
        size_t hdr = strlen((const char *)data) + 1;

        check_block(&ev);
        check_wire(&ev);
        /* Nothing left out: the block is the datagram after its header, byte for byte. */
        if (!ev.truncated) CHECK(ev.props_len == size - hdr && !memcmp(ev.props, data + hdr, size - hdr));
        action = uevent_prop(&ev, "ACTION");
        if (!strcmp(action, "move") && uevent_prop(&ev, "DEVPATH_OLD"))
        {
            CHECK(ev.op == WN_WIRE_OP_ADD);
            CHECK(uevent_move_old(&ev, &old) == 0);
            CHECK(old.op == WN_WIRE_OP_DEL);
            check_block(&old);
            check_wire(&old);
            CHECK(!strcmp(uevent_prop(&old, "DEVPATH"), uevent_prop(&ev, "DEVPATH_OLD")));
        }
        else CHECK(uevent_move_old(&ev, &old) == -1);
        check_spare(&ev);
    }
    if (!uevent_parse_sysfs((const char *)data, size, "/devices/fuzz/dev0", "fuzz", &ev))
    {
        CHECK(ev.op == WN_WIRE_OP_ADD);
        check_block(&ev);
        CHECK(!strcmp(uevent_prop(&ev, "DEVPATH"), "/devices/fuzz/dev0"));
        CHECK(!strcmp(uevent_prop(&ev, "SUBSYSTEM"), "fuzz"));
        check_wire(&ev);
        check_spare(&ev);
    }
    return 0;
}
