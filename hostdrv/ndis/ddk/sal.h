/* Source annotations (SAL 1 and SAL 2) as the DDK's sal.h/driverspecs.h name them. They only inform static
 * analysis (PREfast), which nicsim does not run: every one expands to nothing, so annotated driver sources compile
 * unchanged. */
#ifndef NICSIM_DDK_SAL_H
#define NICSIM_DDK_SAL_H

/* clang-format off */

/* SAL 2: parameters */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(s)
#define _In_reads_opt_(s)
#define _In_reads_bytes_(s)
#define _In_reads_bytes_opt_(s)
#define _In_range_(l, h)
#define _Out_
#define _Out_opt_
#define _Out_writes_(s)
#define _Out_writes_opt_(s)
#define _Out_writes_bytes_(s)
#define _Out_writes_bytes_opt_(s)
#define _Out_writes_to_(s, c)
#define _Out_writes_bytes_to_(s, c)
#define _Out_writes_bytes_to_opt_(s, c)
#define _Out_range_(l, h)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(s)
#define _Inout_updates_opt_(s)
#define _Inout_updates_bytes_(s)
#define _Inout_updates_bytes_opt_(s)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_buffer_(s)
#define _Outptr_result_bytebuffer_(s)
#define _Deref_out_
#define _Deref_out_opt_
#define _Deref_out_range_(l, h)
#define _Reserved_
#define _Pre_
#define _Post_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_satisfies_(e)
#define _Post_equal_to_(e)
#define _Notnull_
#define _Maybenull_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Printf_format_string_
#define _Field_size_(s)
#define _Field_size_opt_(s)
#define _Field_size_bytes_(s)
#define _Field_size_bytes_opt_(s)
#define _Field_size_part_(s, c)
#define _Field_size_bytes_part_(s, c)
#define _Field_range_(l, h)
#define _Struct_size_bytes_(s)
/* SAL 2: functions and results */
#define _Ret_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_range_(l, h)
#define _Check_return_
#define _Must_inspect_result_
#define _Success_(e)
#define _Return_type_success_(e)
#define _Use_decl_annotations_
#define _Function_class_(n)
#define _Dispatch_type_(t)
#define _At_(t, a)
#define _At_buffer_(t, i, b, a)
#define _When_(e, a)
#define _Analysis_assume_(e)
#define _Analysis_noreturn_
#define _Analysis_mode_(m)
#define _Kernel_float_used_
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_requires_resource_held_(r)
#define _Kernel_clear_do_init_(y)
#define _Kernel_IoGetDmaAdapter_
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_exclusive_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Guarded_by_(l)
#define _Interlocked_
#define _Interlocked_operand_
#define _Literal_
#define _Strict_type_match_
#define _Points_to_data_
#define _Post_writable_byte_size_(s)
#define _Writable_bytes_(s)
#define _Readable_bytes_(s)
/* IRQL annotations */
#define _IRQL_requires_(i)
#define _IRQL_requires_max_(i)
#define _IRQL_requires_min_(i)
#define _IRQL_requires_same_
#define _IRQL_raises_(i)
#define _IRQL_saves_
#define _IRQL_saves_global_(k, p)
#define _IRQL_restores_
#define _IRQL_restores_global_(k, p)
#define _IRQL_always_function_max_(i)
#define _IRQL_always_function_min_(i)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
/* SAL 1. Their double-underscore names are also identifiers inside the C++ standard library (e.g. __out), so a
 * C++ source gets them only on request (NICSIM_DDK_SAL1); C sources always. */
#if !defined(__cplusplus) || defined(NICSIM_DDK_SAL1)
#define __in
#define __in_opt
#define __in_z
#define __in_bcount(s)
#define __in_bcount_opt(s)
#define __in_ecount(s)
#define __in_ecount_opt(s)
#define __out
#define __out_opt
#define __out_bcount(s)
#define __out_bcount_opt(s)
#define __out_ecount(s)
#define __out_ecount_opt(s)
#define __out_bcount_part(s, l)
#define __inout
#define __inout_opt
#define __inout_bcount(s)
#define __inout_ecount(s)
#define __deref_out
#define __deref_out_opt
#define __deref_inout
#define __reserved
#define __checkReturn
#define __success(e)
#define __nullterminated
#define __field_bcount(s)
#define __field_ecount(s)
#define __bcount(s)
#define __ecount(s)
#endif
/* Driver annotations (driverspecs.h) */
#define __drv_maxIRQL(i)
#define __drv_minIRQL(i)
#define __drv_requiresIRQL(i)
#define __drv_setsIRQL(i)
#define __drv_raisesIRQL(i)
#define __drv_savesIRQL
#define __drv_savesIRQLGlobal(k, p)
#define __drv_restoresIRQL
#define __drv_restoresIRQLGlobal(k, p)
#define __drv_sameIRQL
#define __drv_maxFunctionIRQL(i)
#define __drv_minFunctionIRQL(i)
#define __drv_useCancelIRQL
#define __drv_functionClass(c)
#define __drv_dispatchType(t)
#define __drv_dispatchType_other
#define __drv_when(c, a)
#define __drv_arg(e, a)
#define __drv_at(e, a)
#define __drv_in(a)
#define __drv_out(a)
#define __drv_deref(a)
#define __drv_aliasesMem
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_preferredFunction(f, r)
#define __drv_reportError(r)
#define __drv_valueIs(v)
#define __drv_isObjectPointer
#define __drv_strictType(t, m)
#define __drv_strictTypeMatch(m)
#define __drv_notPointer
#define __drv_inTry
#define __drv_mustHold(l)
#define __drv_acquiresResource(r)
#define __drv_releasesResource(r)
#define __drv_clearDoInitStarting
#define __drv_floatUsed
#define __drv_interlocked
#define __drv_nonConstant
#define __drv_constant
#define __drv_formatString(t)
#define __drv_fun(a)
#define __drv_ret(a)

/* clang-format on */

#endif /* NICSIM_DDK_SAL_H */
