/* Our host devices as devices of the prefix: published into its registry where Wine's setupapi and cfgmgr32
 * look (see publish.c). */
#ifndef WN_CFGMGR32_PUBLISH_H
#define WN_CFGMGR32_PUBLISH_H

/* Starts publishing, once per process (later calls return at once): the prefix's registry is brought in line
 * with the view, and from then on every device change reaches the registry before any registration of this
 * process hears of it.  Call it before subscribing a registration.  Does nothing when there is no view. */
void wn_publish_start(void);

#endif
