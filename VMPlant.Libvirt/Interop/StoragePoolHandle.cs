using Microsoft.Win32.SafeHandles;

namespace VMPlant.Libvirt.Interop;

/// <summary>Owns one reference to a libvirt virStoragePoolPtr; released with virStoragePoolFree.</summary>
internal sealed class StoragePoolHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // Used by the source-generated marshaller for returned pointers.
    public StoragePoolHandle() : base(ownsHandle: true) { }

    // Used for pointers taken out of libvirt-allocated arrays.
    internal StoragePoolHandle(nint existing) : base(ownsHandle: true) => SetHandle(existing);

    protected override bool ReleaseHandle() => StoragePoolNative.virStoragePoolFree(handle) == 0;
}
