/**
 * The simulated mdlbridge.sys: the Java twin of {@code driver/src}, rule for rule. Both implement
 * {@code driver/CONTRACT.md}; they are compared mechanically by {@code DifferentialTest} (the C rules built for the
 * host and called through JNA) and byte for byte by the shared vectors in {@code driver/test/vectors}. A change to a
 * rule here names its twin in C, with tests on both sides.
 *
 * <p>Start at {@link dev.mdlbridge.simulator.driver.MdlBridgeDriver} (dispatch), then {@code Operations} (one method
 * per IOCTL) and {@code ObjectTable} (the refusals as functions of object state).
 *
 * <table>
 *   <caption>Each C file and struct and its Java twin</caption>
 *   <tr><th>driver/src</th><th>here</th></tr>
 *   <tr><td>{@code driver.c}: DriverEntry, CREATE / CLEANUP / CLOSE / DEVICE_CONTROL, the process-notify callback,
 *       {@code mdlb_handle_is_shared}</td><td>{@code MdlBridgeDriver}</td></tr>
 *   <tr><td>{@code internal.h}: {@code mdlb_handle}</td><td>{@code FileHandle}</td></tr>
 *   <tr><td>{@code internal.h}: {@code mdlb_direct_outcome}, {@code mdlb_direct_record}</td>
 *       <td>{@code FileHandle.DirectRecord}</td></tr>
 *   <tr><td>{@code internal.h}: {@code mdlb_quarantined}; {@code ops.c}: {@code quarantine},
 *       {@code mdlb_quarantine_release}</td><td>{@code Quarantine}</td></tr>
 *   <tr><td>{@code ops.c}: {@code op_*}, {@code table_insert}, {@code mapping_use}, the release path</td>
 *       <td>{@code Operations}</td></tr>
 *   <tr><td>{@code ops.c}: {@code view_mdl}</td><td>{@code MdlView}</td></tr>
 *   <tr><td>{@code table.h}: {@code mdlb_obj}, {@code MDLB_ST_*}</td><td>{@code TableObject}</td></tr>
 *   <tr><td>{@code table.c}: the object table and every {@code mdlb_check_*}</td><td>{@code ObjectTable}</td></tr>
 *   <tr><td>{@code table.h}: {@code mdlb_use}, {@code mdlb_limits}; {@code table.c}: {@code mdlb_limit_check}</td>
 *       <td>{@code ResourceUse}, {@code Limits}</td></tr>
 *   <tr><td>{@code driver.c}: DriverEntry's reading of the {@code Parameters} limits (clamp, RAM rule)</td>
 *       <td>{@code AdminLimits}</td></tr>
 *   <tr><td>{@code table.c}: {@code mdlb_range_set}, {@code mdlb_ranges_*}; {@code driver.c}:
 *       {@code g_ranges_lock}</td><td>{@code UserRanges}</td></tr>
 *   <tr><td>{@code protocol.c}: {@code mdlb_check_malformed}, {@code mdlb_check_parameters},
 *       {@code mdlb_min_reply_size}, {@code mdlb_request_copy_length}, PFN windows</td><td>{@code ProtocolRules}</td></tr>
 *   <tr><td>{@code protocol.c}: the request structs as read</td><td>{@code RequestDecoder}</td></tr>
 *   <tr><td>{@code protocol.c}: {@code mdlb_reply_*}</td><td>{@code ReplyWriter}</td></tr>
 *   <tr><td>{@code RtlNtStatusToDosError} (what the failed IRP shows)</td><td>{@code dev.mdlbridge.protocol.DosErrors}, shared with the Windows backend</td></tr>
 *   <tr><td>{@code ops.c}: {@code op_info}, {@code op_release_all} data</td><td>{@code DataEncoder}</td></tr>
 *   <tr><td>test-only: none in C</td><td>{@code SafetyRefusal}: removes one refusal for the explorer's mutation
 *       tests; never reachable from a backend option or the CLI</td></tr>
 * </table>
 */
package dev.mdlbridge.simulator.driver;
