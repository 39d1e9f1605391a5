#ifndef IDEAMESH_CLIBUV_SHIM_H
#define IDEAMESH_CLIBUV_SHIM_H
#include <uv.h>
#endif
