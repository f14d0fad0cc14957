// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include "jsonput.h"
#include "meshmark_out.h"

static struct json_object *mue_json(const struct meshmark *mm,
				    const struct mm_mue_result *r)
{
	struct json_object *o = json_object_new_object();

	put(o, "value", r->available ? json_num(r->value) : NULL);
	put(o, "weight", json_object_new_double(r->weight));
	put(o, "available", json_object_new_boolean(r->available));
	put(o, "reason", json_str_or_null(r->reason));
	put(o, "unit", json_object_new_string(r->unit));
	if (mm->mode == MM_SINGLE) {
		put(o, "mesh", json_num(r->mesh));
		put(o, "total", json_num(r->total));
		return o;
	}
	put(o, "base", json_num(r->base));
	put(o, "mesh", json_num(r->mesh));
	put(o, "overhead", json_num(r->overhead));
	return o;
}

static struct json_object *class_json(const struct meshmark *mm,
				      const struct mm_class_result *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *mues = json_object_new_object();

	put(o, "score", c->included ? json_num(c->score) : NULL);
	put(o, "overhead", c->included ? json_num(1 - c->score) : NULL);
	put(o, "included", json_object_new_boolean(c->included));
	put(o, "reason", json_str_or_null(c->reason));
	for (size_t i = 0; i < c->nmues; i++)
		put(mues, mm_mue_name(c->mues[i].id), mue_json(mm, &c->mues[i]));
	put(o, "mues", mues);
	return o;
}

static struct json_object *component_json(const struct mm_component *c)
{
	struct json_object *o = json_object_new_object();

	put(o, "id", json_object_new_string(c->id));
	put(o, "name", json_object_new_string(c->name));
	put(o, "role", json_object_new_string(role_name(c->role)));
	put(o, "mesh", json_object_new_string(mesh_name(c->mesh)));
	put(o, "cpu_seconds", json_object_new_double(c->cpu_seconds));
	put(o, "rss_bytes", json_object_new_double(c->rss_bytes));
	put(o, "bytes", json_object_new_double(c->bytes));
	put(o, "cpu_cost", json_num(c->cpu_cost));
	put(o, "rss_cost", json_num(c->rss_cost));
	put(o, "bytes_cost", json_num(c->bytes_cost));
	put(o, "cpu_fraction", json_num(c->cpu_fraction));
	put(o, "cpu_overhead_fraction", json_num(c->cpu_overhead_fraction));
	return o;
}

static struct json_object *vcpu_json(const struct meshmark *mm)
{
	struct json_object *o;

	if (isnan(mm->vcpu_total) && isnan(mm->vcpu_sidecar) &&
	    isnan(mm->vcpu_node_proxy) && isnan(mm->vcpu_node_agent))
		return NULL;
	o = json_object_new_object();
	put(o, "sidecar", json_num(mm->vcpu_sidecar));
	put(o, "node_proxy", json_num(mm->vcpu_node_proxy));
	put(o, "node_agent", json_num(mm->vcpu_node_agent));
	put(o, "total", json_num(mm->vcpu_total));
	return o;
}

static struct json_object *control_json(const struct meshmark *mm)
{
	const struct mm_control *c = &mm->control;
	struct json_object *o = json_object_new_object();

	put(o, "pods", json_object_new_uint64(c->pods));
	put(o, "cpu_seconds", json_num(c->cpu_seconds));
	put(o, "control_plane_cpu_seconds", json_num(c->control_plane_seconds));
	put(o, "config_cpu_seconds", json_num(c->config_seconds));
	put(o, "bytes", json_num(c->bytes));
	put(o, "vcpu_per_1000_pods", json_num(c->vcpu_per_1000_pods));
	put(o, "mib_per_second_per_1000_pods", json_num(c->mibps_per_1000_pods));
	put(o, "share", json_num(c->share));
	return o;
}

struct json_object *meshmark_to_json(const struct meshmark *mm)
{
	struct json_object *o = json_object_new_object();
	struct json_object *classes = json_object_new_object();
	struct json_object *comps = json_object_new_array();
	struct json_object *notes = json_object_new_array();

	put(o, "score", json_num(mm->score));
	put(o, "mode", json_object_new_string(mm->mode == MM_SINGLE ?
					      "single" : "compare"));
	put(o, "normalization", json_object_new_string(mm->per_request ?
			"per_1000_requests" : "per_second"));
	put(o, "error", json_str_or_null(mm->error));
	for (int c = 0; c < MM_CLASS_MAX; c++)
		put(classes, mm_class_name(c), class_json(mm, &mm->classes[c]));
	put(o, "classes", classes);
	for (size_t i = 0; i < mm->ncomps; i++)
		json_object_array_add(comps, component_json(&mm->comps[i]));
	put(o, "components", comps);
	put(o, "vcpu_per_1000rps", vcpu_json(mm));
	put(o, "mib_per_proxy", json_num(mm->mib_per_proxy));
	put(o, "control", control_json(mm));
	for (size_t i = 0; i < mm->nnotes; i++)
		json_object_array_add(notes, json_object_new_string(mm->notes[i]));
	put(o, "notes", notes);
	return o;
}

struct json_object *mue_to_json(const struct meshmark *mm)
{
	struct json_object *o = json_object_new_object();

	for (int c = 0; c < MM_CLASS_MAX; c++) {
		const struct mm_class_result *cr = &mm->classes[c];

		for (size_t i = 0; i < cr->nmues; i++) {
			const struct mm_mue_result *m = &cr->mues[i];

			json_object_object_add(o, mm_mue_name(m->id), m->available ?
				json_object_new_double(m->value) : NULL);
		}
	}
	return o;
}
