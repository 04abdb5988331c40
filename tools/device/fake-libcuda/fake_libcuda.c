/*
 * A host emulation of the few CUDA driver API calls Jano.Kernels.Cuda makes, built as libcuda.so.1, so
 * that the driver-API path (P/Invoke signatures, argument packing, offsets, the step device's data
 * path) can be exercised on a machine without a GPU. It is a test double, not a GPU: "device" memory is
 * host memory, streams are synchronous, and the three kernels we launch (ILGPU's Gather, Scatter and
 * Attention entries) are re-implemented here from their documented semantics, reading the arguments
 * in the layout ILGPU's PTX declares (views: address + length; parameter structs by value). Every copy
 * and every element a kernel touches is checked against a live allocation and against the view
 * lengths passed, so an offset or packing mistake fails the call (CUDA_ERROR_INVALID_VALUE) instead
 * of corrupting memory. Used by tools/device/fake-libcuda/check.sh and .ci/run.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
enum { OK = 0, INVALID_VALUE = 1, NOT_INITIALIZED = 3, INVALID_CONTEXT = 201, NOT_FOUND = 500, LAUNCH_FAILED = 719 };

static int initialised;
static char context_token;              /* the primary context: its address is the CUcontext */
static void *current_context;

struct allocation { uintptr_t base; size_t bytes; struct allocation *next; };
static struct allocation *allocations;

static int inside(uintptr_t p, size_t bytes)
{
    for (struct allocation *a = allocations; a; a = a->next)
        if (p >= a->base && p + bytes <= a->base + a->bytes) return 1;
    return 0;
}

static CUresult need_context(void)
{
    if (!initialised) return NOT_INITIALIZED;
    return current_context == &context_token ? OK : INVALID_CONTEXT;
}

CUresult cuInit(unsigned flags) { (void)flags; initialised = 1; return OK; }
CUresult cuDeviceGetCount(int *count) { if (!initialised) return NOT_INITIALIZED; *count = 1; return OK; }
CUresult cuDeviceGet(int *device, int ordinal) { if (ordinal != 0) return INVALID_VALUE; *device = 0; return OK; }

CUresult cuDeviceGetAttribute(int *value, int attribute, int device)
{
    if (device != 0) return INVALID_VALUE;
    if (attribute == 75) { *value = 9; return OK; } /* compute capability 9.0 */
    if (attribute == 76) { *value = 0; return OK; }
    return INVALID_VALUE;
}

CUresult cuDeviceGetName(char *name, int length, int device)
{
    if (device != 0 || length < 1) return INVALID_VALUE;
    snprintf(name, (size_t)length, "fake-libcuda host emulation");
    return OK;
}

CUresult cuDevicePrimaryCtxRetain(void **context, int device)
{
    if (!initialised) return NOT_INITIALIZED;
    if (device != 0) return INVALID_VALUE;
    *context = &context_token;
    return OK;
}

CUresult cuDevicePrimaryCtxRelease_v2(int device) { return device == 0 ? OK : INVALID_VALUE; }

CUresult cuCtxSetCurrent(void *context)
{
    if (context != &context_token) return INVALID_CONTEXT;
    current_context = context;
    return OK;
}

CUresult cuStreamCreate(void **stream, unsigned flags)
{
    CUresult r = need_context();
    if (r) return r;
    if (flags != 1) return INVALID_VALUE; /* we always ask for a non-blocking stream */
    *stream = malloc(1);
    return OK;
}

CUresult cuStreamDestroy_v2(void *stream) { if (!stream) return INVALID_VALUE; free(stream); return need_context(); }
CUresult cuStreamSynchronize(void *stream) { return stream ? need_context() : INVALID_VALUE; }

CUresult cuMemAlloc_v2(uintptr_t *pointer, size_t bytes)
{
    CUresult r = need_context();
    if (r) return r;
    if (bytes == 0) return INVALID_VALUE;
    struct allocation *a = malloc(sizeof *a);
    a->base = (uintptr_t)malloc(bytes);
    memset((void *)a->base, 0x7f, bytes); /* not zero: the caller must clear what it expects cleared */
    a->bytes = bytes;
    a->next = allocations;
    allocations = a;
    *pointer = a->base;
    return OK;
}

CUresult cuMemFree_v2(uintptr_t pointer)
{
    CUresult r = need_context();
    if (r) return r;
    for (struct allocation **p = &allocations; *p; p = &(*p)->next)
        if ((*p)->base == pointer) {
            struct allocation *a = *p;
            *p = a->next;
            free((void *)a->base);
            free(a);
            return OK;
        }
    return INVALID_VALUE;
}

CUresult cuMemsetD32Async(uintptr_t pointer, unsigned value, size_t count, void *stream)
{
    CUresult r = need_context();
    if (r) return r;
    if (!stream || !inside(pointer, count * 4)) return INVALID_VALUE;
    for (size_t i = 0; i < count; i++) ((unsigned *)pointer)[i] = value;
    return OK;
}

CUresult cuMemcpyHtoDAsync_v2(uintptr_t destination, const void *source, size_t bytes, void *stream)
{
    CUresult r = need_context();
    if (r) return r;
    if (!stream || !inside(destination, bytes) || inside((uintptr_t)source, 1)) return INVALID_VALUE;
    memcpy((void *)destination, source, bytes);
    return OK;
}

CUresult cuMemcpyDtoHAsync_v2(void *destination, uintptr_t source, size_t bytes, void *stream)
{
    CUresult r = need_context();
    if (r) return r;
    if (!stream || !inside(source, bytes) || inside((uintptr_t)destination, 1)) return INVALID_VALUE;
    memcpy(destination, (const void *)source, bytes);
    return OK;
}

CUresult cuMemcpyDtoDAsync_v2(uintptr_t destination, uintptr_t source, size_t bytes, void *stream)
{
    CUresult r = need_context();
    if (r) return r;
    if (!stream || !inside(destination, bytes) || !inside(source, bytes)) return INVALID_VALUE;
    memmove((void *)destination, (const void *)source, bytes);
    return OK;
}

/* A module is a copy of its PTX text; a function is the module plus the kind of kernel it names. */
enum kind { GATHER = 1, SCATTER, ATTENTION };
struct module { char *ptx; };
struct function { struct module *module; enum kind kind; };

CUresult cuModuleLoadDataEx(void **module, const char *image, unsigned count, int *options, void **values)
{
    CUresult r = need_context();
    if (r) return r;
    (void)options; (void)values;
    if (count > 2 || !strstr(image, ".entry") || !strstr(image, ".target sm_")) return INVALID_VALUE;
    struct module *m = malloc(sizeof *m);
    m->ptx = strdup(image);
    *module = m;
    return OK;
}

CUresult cuModuleUnload(void *module)
{
    struct module *m = module;
    if (!m) return INVALID_VALUE;
    free(m->ptx);
    free(m);
    return need_context();
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name)
{
    CUresult r = need_context();
    if (r) return r;
    struct module *m = module;
    char entry[256];
    snprintf(entry, sizeof entry, ".entry %s(", name);
    if (!strstr(m->ptx, entry)) return NOT_FOUND;
    struct function *f = malloc(sizeof *f);
    f->module = m;
    f->kind = strstr(name, "Gather") ? GATHER : strstr(name, "Scatter") ? SCATTER : strstr(name, "Attention") ? ATTENTION : 0;
    if (!f->kind) { free(f); return NOT_FOUND; }
    *function = f;
    return OK;
}

struct view { uintptr_t pointer; int64_t length; };           /* ILGPU ArrayView in PTX: 16 bytes */
struct row_params { int source_rows, destination_rows, width, count; };
struct attention_params { int queries, keys, key_capacity, heads, head_dim, total_queries; float scale_log2; };

/* The element index of a view, or -1 when it is outside the view or its allocation. */
static int in_view(const struct view *v, int64_t index, size_t element)
{
    return index >= 0 && index < v->length && inside(v->pointer + (uintptr_t)index * element, element);
}

static CUresult rows(enum kind kind, void **p, long threads)
{
    int extent = *(int *)p[0];
    struct view source = *(struct view *)p[1], indices = *(struct view *)p[2], destination = *(struct view *)p[3];
    struct row_params q = *(struct row_params *)p[4];
    if (threads < extent || q.width < 1 || q.count < 1 || extent % (q.width * q.count) != 0) return INVALID_VALUE;
    for (int e = 0; e < extent; e++) {
        int column = e % q.width, t = e / q.width, i = t % q.count, b = t / q.count;
        if (!in_view(&indices, i, 4)) return INVALID_VALUE;
        int index = ((int *)indices.pointer)[i];
        int64_t s = kind == GATHER ? ((int64_t)b * q.source_rows + index) * q.width + column : ((int64_t)b * q.source_rows + i) * q.width + column;
        int64_t d = kind == GATHER ? ((int64_t)b * q.destination_rows + i) * q.width + column : ((int64_t)b * q.destination_rows + index) * q.width + column;
        if (!in_view(&source, s, 4) || !in_view(&destination, d, 4)) return INVALID_VALUE;
        ((float *)destination.pointer)[d] = ((float *)source.pointer)[s];
    }
    return OK;
}

static CUresult attention(void **p, long warps)
{
    struct view q = *(struct view *)p[0], k = *(struct view *)p[1], v = *(struct view *)p[2], o = *(struct view *)p[3];
    struct attention_params a = *(struct attention_params *)p[4];
    if (warps < a.total_queries || a.keys < 1 || a.key_capacity < a.keys || a.head_dim < 1 || a.head_dim > 128) return INVALID_VALUE;
    int dim = a.heads * a.head_dim;
    double *weights = malloc(sizeof(double) * (size_t)a.keys);
    for (int query = 0; query < a.total_queries; query++) {
        int i = query % a.queries, bh = query / a.queries, h = bh % a.heads, b = bh / a.heads;
        int64_t q_row = ((int64_t)b * a.queries + i) * dim + h * a.head_dim;
        double max = -INFINITY, sum = 0;
        for (int j = 0; j < a.keys; j++) {
            int64_t k_row = ((int64_t)b * a.key_capacity + j) * dim + h * a.head_dim;
            double score = 0;
            for (int c = 0; c < a.head_dim; c++) {
                if (!in_view(&q, q_row + c, 4) || !in_view(&k, k_row + c, 4)) { free(weights); return INVALID_VALUE; }
                score += (double)((float *)q.pointer)[q_row + c] * ((float *)k.pointer)[k_row + c];
            }
            weights[j] = score * a.scale_log2;
            if (weights[j] > max) max = weights[j];
        }
        for (int j = 0; j < a.keys; j++) sum += weights[j] = exp2(weights[j] - max);
        for (int c = 0; c < a.head_dim; c++) {
            double acc = 0;
            for (int j = 0; j < a.keys; j++) {
                int64_t v_index = ((int64_t)b * a.key_capacity + j) * dim + h * a.head_dim + c;
                if (!in_view(&v, v_index, 4)) { free(weights); return INVALID_VALUE; }
                acc += weights[j] * ((float *)v.pointer)[v_index];
            }
            if (!in_view(&o, q_row + c, 4)) { free(weights); return INVALID_VALUE; }
            ((float *)o.pointer)[q_row + c] = (float)(acc / sum);
        }
    }
    free(weights);
    return OK;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **parameters, void **extra)
{
    CUresult r = need_context();
    if (r) return r;
    struct function *f = function;
    if (!f || !stream || !parameters || extra || gy != 1 || gz != 1 || by != 1 || bz != 1 || shared != 0 || bx > 1024 || bx % 32)
        return INVALID_VALUE;
    long threads = (long)gx * bx;
    return f->kind == ATTENTION ? attention(parameters, threads / 32) : rows(f->kind, parameters, threads);
}

CUresult cuGetErrorName(CUresult error, const char **name)
{
    switch (error) {
    case OK: *name = "CUDA_SUCCESS"; return OK;
    case INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; return OK;
    case NOT_INITIALIZED: *name = "CUDA_ERROR_NOT_INITIALIZED"; return OK;
    case INVALID_CONTEXT: *name = "CUDA_ERROR_INVALID_CONTEXT"; return OK;
    case NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; return OK;
    default: *name = "CUDA_ERROR_UNKNOWN (fake)"; return OK;
    }
}
