/* Picks the event source's backend (see source.h): the host helper under Wine, pass-through on Windows. */
#include <windows.h>

#include "debug.h"
#include "source.h"

static enum wn_source_status passthrough_subscribe(uint32_t tables, wn_source_event_fn fn, void *ctx,
                                                   wn_source_view_fn view, void *view_ctx,
                                                   struct wn_subscription **sub)
{
    (void)tables; (void)fn; (void)ctx; (void)view; (void)view_ctx;
    *sub = NULL;
    return WN_SOURCE_PASSTHROUGH;
}

static void passthrough_unsubscribe(struct wn_subscription *sub)
{
    (void)sub;
}

static enum wn_source_status passthrough_query(wn_source_view_fn fn, void *ctx)
{
    (void)fn; (void)ctx;
    return WN_SOURCE_PASSTHROUGH;
}

static enum wn_source_status passthrough_request_dump(uint32_t tables)
{
    (void)tables;
    return WN_SOURCE_PASSTHROUGH;
}

static enum wn_source_status passthrough_change(uint16_t type, uint16_t op, const void *body, uint32_t *result)
{
    (void)type; (void)op; (void)body; (void)result;
    return WN_SOURCE_PASSTHROUGH;
}

static enum wn_source_status passthrough_follow(uint32_t tables)
{
    (void)tables;
    return WN_SOURCE_PASSTHROUGH;
}

/* On Windows the system DLL has the real implementation: ours only forwards. */
static const struct wn_source_backend passthrough_backend =
{
    "pass-through",
    passthrough_subscribe,
    passthrough_unsubscribe,
    passthrough_query,
    passthrough_request_dump,
    passthrough_change,
    passthrough_follow,
};

static INIT_ONCE pick_once = INIT_ONCE_STATIC_INIT;
static const struct wn_source_backend *backend;

static BOOL CALLBACK pick_backend(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    backend = wn_running_on_wine() ? &wn_source_wine_backend : &passthrough_backend;
    TRACE("event source: %s\n", backend->name);
    return TRUE;
}

static const struct wn_source_backend *get_backend(void)
{
    InitOnceExecuteOnce(&pick_once, pick_backend, NULL, NULL);
    return backend;
}

enum wn_source_status wn_source_subscribe(uint32_t tables, wn_source_event_fn fn, void *ctx,
                                          wn_source_view_fn view, void *view_ctx, struct wn_subscription **sub)
{
    return get_backend()->subscribe(tables, fn, ctx, view, view_ctx, sub);
}

void wn_source_unsubscribe(struct wn_subscription *sub)
{
    if (sub) get_backend()->unsubscribe(sub);
}

enum wn_source_status wn_source_query(wn_source_view_fn fn, void *ctx)
{
    return get_backend()->query(fn, ctx);
}

enum wn_source_status wn_source_follow(uint32_t tables)
{
    return get_backend()->follow(tables);
}

enum wn_source_status wn_source_request_dump(uint32_t tables)
{
    return get_backend()->request_dump(tables);
}

enum wn_source_status wn_source_change(uint16_t type, uint16_t op, const void *body, uint32_t *result)
{
    return get_backend()->change(type, op, body, result);
}
