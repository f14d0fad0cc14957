/* SPDX-License-Identifier: GPL-2.0 */
/* A run in the CNCF Service Mesh Performance (SMP) result format. */
#ifndef MESHPROF_SMP_H
#define MESHPROF_SMP_H

#include "run.h"

#define SMP_VERSION "v0.0.1"

/*
 * PerformanceTestResult, ServiceMeshConfig and EnvironmentConfig fields
 * (protos/service_mesh_performance.proto, original field names) with
 * meshprof's MeshMark as the "meshprof" extension block (docs/smp.md).
 * @mm may be NULL.
 */
struct json_object *smp_json(const struct run *run, const struct meshmark *mm);

#endif
