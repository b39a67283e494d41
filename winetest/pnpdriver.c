/* A kernel driver for the device winetest/winedevice.c installs as a root-enumerated device of Wine's PnP tree,
 * the way Wine installs its own (setupapi and newdev with an INF; Wine's ntoskrnl then loads the driver in
 * winedevice.exe and calls its AddDevice).  Its device is one Wine models itself: its interface arrives and leaves
 * through Wine's own PnP events (IoSetDeviceInterfaceState), which is what the test needs to make happen, since
 * this machine has no hidraw, uhid, uinput or USB for winebus or wineusb to expose.
 *
 * It registers one interface (winetest/pnpdriver.h) in AddDevice, enables it when the device starts and disables
 * it when the device is removed; its device opens (IRP_MJ_CREATE, CLOSE) and reports a custom event on request
 * (an IOCTL), so that a handle filter on it has an event to hear. */
#include <ntddk.h>

#include "pnpdriver.h"

struct device
{
    DEVICE_OBJECT *lower, *pdo;
    UNICODE_STRING link;
    BOOL registered;
};

static NTSTATUS complete(IRP *irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS WINAPI dispatch_pnp(DEVICE_OBJECT *device, IRP *irp)
{
    IO_STACK_LOCATION *stack = IoGetCurrentIrpStackLocation(irp);
    struct device *ext = device->DeviceExtension;
    DEVICE_OBJECT *lower = ext->lower;
    NTSTATUS status;

    switch (stack->MinorFunction)
    {
    case IRP_MN_START_DEVICE:
        /* Root devices' bus driver has nothing to start: the interface is on from here. */
        if (ext->registered) IoSetDeviceInterfaceState(&ext->link, TRUE);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        if (ext->registered) IoSetDeviceInterfaceState(&ext->link, FALSE);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        if (ext->registered)
        {
            IoSetDeviceInterfaceState(&ext->link, FALSE);
            RtlFreeUnicodeString(&ext->link);
            ext->registered = FALSE;
        }
        irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(irp);
        status = IoCallDriver(lower, irp);
        IoDetachDevice(lower);
        IoDeleteDevice(device);
        return status;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(lower, irp);
}

static NTSTATUS WINAPI dispatch_create_close(DEVICE_OBJECT *device, IRP *irp)
{
    (void)device;
    return complete(irp, STATUS_SUCCESS, 0);
}

/* Reports the custom event on the device's PDO, whose name is the one a handle on the device has. */
static NTSTATUS WINAPI dispatch_ioctl(DEVICE_OBJECT *device, IRP *irp)
{
    IO_STACK_LOCATION *stack = IoGetCurrentIrpStackLocation(irp);
    struct device *ext = device->DeviceExtension;
    struct
    {
        TARGET_DEVICE_CUSTOM_NOTIFICATION head;
        char data[sizeof(WN_PNPDRIVER_EVENT_DATA)];
    } event;

    if (stack->Parameters.DeviceIoControl.IoControlCode != WN_PNPDRIVER_IOCTL_EVENT)
        return complete(irp, STATUS_NOT_SUPPORTED, 0);
    RtlZeroMemory(&event, sizeof(event));
    event.head.Version = 1;
    event.head.Size = (USHORT)(FIELD_OFFSET(TARGET_DEVICE_CUSTOM_NOTIFICATION, CustomDataBuffer) +
                               sizeof(WN_PNPDRIVER_EVENT_DATA));
    event.head.Event = wn_pnpdriver_event;
    event.head.NameBufferOffset = -1;
    RtlCopyMemory(event.head.CustomDataBuffer, WN_PNPDRIVER_EVENT_DATA, sizeof(WN_PNPDRIVER_EVENT_DATA));
    return complete(irp, IoReportTargetDeviceChange(ext->pdo, &event), 0);
}

static NTSTATUS WINAPI add_device(DRIVER_OBJECT *driver, DEVICE_OBJECT *pdo)
{
    DEVICE_OBJECT *device;
    struct device *ext;
    NTSTATUS status;

    if ((status = IoCreateDevice(driver, sizeof(*ext), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device)))
        return status;
    ext = device->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->pdo = pdo;
    if (!(ext->lower = IoAttachDeviceToDeviceStack(device, pdo)))
    {
        IoDeleteDevice(device);
        return STATUS_NO_SUCH_DEVICE;
    }
    ext->registered = !IoRegisterDeviceInterface(pdo, &wn_pnpdriver_class, NULL, &ext->link);
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static void WINAPI unload(DRIVER_OBJECT *driver)
{
    (void)driver;
}

NTSTATUS WINAPI DriverEntry(DRIVER_OBJECT *driver, UNICODE_STRING *registry)
{
    (void)registry;
    driver->DriverExtension->AddDevice = add_device;
    driver->MajorFunction[IRP_MJ_PNP] = dispatch_pnp;
    driver->MajorFunction[IRP_MJ_CREATE] = dispatch_create_close;
    driver->MajorFunction[IRP_MJ_CLOSE] = dispatch_create_close;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = dispatch_ioctl;
    driver->DriverUnload = unload;
    return STATUS_SUCCESS;
}
