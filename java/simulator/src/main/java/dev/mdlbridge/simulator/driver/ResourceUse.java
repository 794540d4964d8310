package dev.mdlbridge.simulator.driver;

/** What a handle, a process or the driver holds (the twin of {@code mdlb_use}); mutable, guarded by its owner. */
final class ResourceUse {
    long objects;
    long mdls;
    long mappings;
    long kernelBuffers;
    long lockedBytes;
    long kernelBufferBytes;
    long pageBytes;
    long poolBytes;
    long systemMappingBytes;

    ResourceUse copy() {
        ResourceUse u = new ResourceUse();
        u.add(this);
        return u;
    }

    void add(ResourceUse d) {
        objects += d.objects;
        mdls += d.mdls;
        mappings += d.mappings;
        kernelBuffers += d.kernelBuffers;
        lockedBytes += d.lockedBytes;
        kernelBufferBytes += d.kernelBufferBytes;
        pageBytes += d.pageBytes;
        poolBytes += d.poolBytes;
        systemMappingBytes += d.systemMappingBytes;
    }

    void sub(ResourceUse d) {
        objects -= d.objects;
        mdls -= d.mdls;
        mappings -= d.mappings;
        kernelBuffers -= d.kernelBuffers;
        lockedBytes -= d.lockedBytes;
        kernelBufferBytes -= d.kernelBufferBytes;
        pageBytes -= d.pageBytes;
        poolBytes -= d.poolBytes;
        systemMappingBytes -= d.systemMappingBytes;
    }
}
