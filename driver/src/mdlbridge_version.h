/* The driver version for the resource compiler, which cannot evaluate mdlbridge.h's C declarations.
 * Must match MDLB_DRIVER_VERSION (checked by a static assert in ops.c). */
#define MDLB_VER_MAJOR 0
#define MDLB_VER_MINOR 1
#define MDLB_VER_PATCH 0
#define MDLB_VER_STRING "0.1.0"
