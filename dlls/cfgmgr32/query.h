/* What the CM_* query files share (query.c: device nodes; query_lists.c: ID and interface lists; query_iface.c:
 * interface properties). */
#ifndef WN_CFGMGR32_QUERY_H
#define WN_CFGMGR32_QUERY_H

#include <windows.h>
#include <cfgmgr32.h>
#include <devpropdef.h>

/* Not in MinGW-w64 10's cfgmgr32.h. */
CMAPI CONFIGRET WINAPI CM_Get_Device_Interface_PropertyW(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE, PULONG,
                                                         ULONG);
CMAPI CONFIGRET WINAPI CM_Get_Device_Interface_Property_ExW(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE,
                                                            PULONG, ULONG, HMACHINE);
CMAPI CONFIGRET WINAPI CM_Get_Device_Interface_Property_KeysW(LPCWSTR, DEVPROPKEY *, PULONG, ULONG);
CMAPI CONFIGRET WINAPI CM_Get_Device_Interface_Property_Keys_ExW(LPCWSTR, DEVPROPKEY *, PULONG, ULONG, HMACHINE);
CMAPI CONFIGRET WINAPI CM_Get_DevNode_Property_Keys(DEVINST, DEVPROPKEY *, PULONG, ULONG);
CMAPI CONFIGRET WINAPI CM_Get_DevNode_Property_Keys_Ex(DEVINST, DEVPROPKEY *, PULONG, ULONG, HMACHINE);

/* System fallbacks, for Windows and for Wine without a helper. */
#define SYSTEM(type, name, ...) do { \
        __typeof__(type) fn_ = (type)wn_forward_lookup(name); \
        if (!fn_) { FIXME("no helper and no system %s\n", name); return CR_CALL_NOT_IMPLEMENTED; } \
        return fn_(__VA_ARGS__); \
    } while (0)

/* Whether our model answers (then this process publishes its devices, publish.c); else the system's function. */
BOOL wn_query_ours(void);

/* UTF-8 to WCHARs in buf (cap WCHARs, terminator included); the WCHARs written without the terminator. */
ULONG wn_query_widen(const char *text, WCHAR *buf, ULONG cap);

/* An instance ID argument (NULL: "") as UTF-8 in id (WN_DEVMAP_ID_MAX bytes); FALSE if it cannot be one. */
BOOL wn_query_id_w(const WCHAR *idw, char *id);
BOOL wn_query_id_a(const char *ida, char *id);

/* Copies size bytes of value into buf of *len bytes: CR_BUFFER_SMALL (with *len the size) if it does not fit. */
CONFIGRET wn_query_put(const void *value, ULONG size, void *buf, PULONG len);

BOOL wn_query_same_key(const DEVPROPKEY *key, const GUID *fmtid, DEVPROPID pid);

/* DEVPKEY_Device_InstanceId's format ID. */
extern const GUID wn_query_fmt_instance;

#endif
