/* SPDX-License-Identifier: Apache-2.0 */
/* test_explode.c - cutting components into layers and joining them back byte for byte. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "wpkg/explode.h"
#include "wpkg/fsutil.h"
#include "wpkg/wasm.h"

/* "ext:" names a file of ../shared/fixtures/external, read in place when it is there. */
static char *fixture(const char *rel)
{
	const char *shared = getenv("SHARED_FIXTURES");
	char *p;

	if (strncmp(rel, "ext:", 4) == 0)
		ck_assert_int_ge(asprintf(&p, "%s/external/%s", shared ? shared : "/nonexistent", rel + 4), 0);
	else
		ck_assert_int_ge(asprintf(&p, "%s/%s", FIXTURES, rel), 0);
	return p;
}

static int temp_fd(void)
{
	char path[] = "/tmp/wpkg-test-explode.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	return fd;
}

static uint64_t fd_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	ck_assert_int_ge(end, 0);
	return (uint64_t)end;
}

struct exploded {
	struct wpkg_map map;
	struct wpkg_wasm_info *info;
	struct wpkg_recipe recipe;
	int skeleton_fd;
	uint64_t skeleton_size;
	struct wpkg_digest skeleton_digest;
	int *layer_fds;
	uint64_t *layer_sizes;
};

/* Plans, writes the skeleton, and writes every distinct constituent as its own file. */
static void explode(struct exploded *x, const char *rel, unsigned depth, uint64_t min)
{
	struct wpkg_explode_opts opts = { depth, min };
	struct wpkg_error err = { 0 };
	char *path = fixture(rel);
	size_t l;

	ck_assert_msg(wpkg_map_file(&x->map, path, &err) == 0, "%s", err.msg);
	ck_assert_msg(wpkg_wasm_inspect(&x->info, x->map.data, x->map.len,
					WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS, &err) == 0, "%s", err.msg);
	ck_assert_msg(wpkg_explode_plan(&x->recipe, x->info, &opts, &err) == 0, "%s", err.msg);
	x->skeleton_fd = temp_fd();
	ck_assert_msg(wpkg_explode_write_skeleton(x->skeleton_fd, x->map.data, x->map.len, &x->recipe,
						  &x->skeleton_size, &x->skeleton_digest, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(fd_size(x->skeleton_fd), x->skeleton_size);
	{
		/* the digest computed while writing is the digest of what was written */
		struct wpkg_digest d;
		ck_assert_int_eq(wpkg_digest_fd_range(&d, WPKG_DIGEST_SHA256, x->skeleton_fd, 0, x->skeleton_size, &err), 0);
		ck_assert_str_eq(d.str, x->skeleton_digest.str);
	}
	x->layer_fds = calloc(x->recipe.n_layers, sizeof(int));
	x->layer_sizes = calloc(x->recipe.n_layers, sizeof(uint64_t));
	for (l = 1; l < x->recipe.n_layers; l++) {
		const struct wpkg_recipe_part *p = &x->recipe.parts[x->recipe.first_part[l]];
		x->layer_fds[l] = temp_fd();
		ck_assert_int_eq(wpkg_write_all(x->layer_fds[l], x->map.data + p->offset, p->size, &err), 0);
		x->layer_sizes[l] = p->size;
	}
	free(path);
}

static void exploded_free(struct exploded *x)
{
	size_t l;

	for (l = 1; l < x->recipe.n_layers; l++)
		close(x->layer_fds[l]);
	close(x->skeleton_fd);
	free(x->layer_fds);
	free(x->layer_sizes);
	wpkg_recipe_clear(&x->recipe);
	wpkg_wasm_info_free(x->info);
	wpkg_unmap_file(&x->map);
}

/* Reassembles into a temporary and compares with the original bytes. */
static void assert_round_trip(struct exploded *x)
{
	struct wpkg_error err = { 0 };
	int out = temp_fd();
	unsigned char *back;

	ck_assert_msg(wpkg_reassemble(out, &x->recipe, x->skeleton_fd, x->skeleton_size, x->layer_fds,
				      x->layer_sizes, x->recipe.n_layers, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(fd_size(out), x->map.len);
	back = malloc(x->map.len + 1);
	ck_assert_int_eq(pread(out, back, x->map.len, 0), (ssize_t)x->map.len);
	ck_assert_int_eq(memcmp(back, x->map.data, x->map.len), 0);
	free(back);
	close(out);
}

static const char *const nested_fixtures[] = {
	"components/composed-wat.component.wasm",
	"components/composed-wat-padded-leb.component.wasm",
	"components/greeter-plugged.composed.wasm",
	"components/hello-qjs.component.wasm",
	"components/calc-qjs.component.wasm",
	"components/hello-c.component.wasm",
	"components/hello-dummy.component.wasm",
	"components/empty.component.wasm",
};

/* Composed components from other projects: only when ../shared is beside the checkout. */
static const char *const external_fixtures[] = {
	"ext:jco/env-allow.composed.wasm",
	"ext:jco/stdio.composed.wasm",
	"ext:jco/utf8-utf16.composed.wasm",
	"ext:jco/simple-nested.component.wasm",
	"ext:jco/dir.virt.wasm",
	"ext:wac/greeter.component.wasm",
	"ext:wac/dummy_wasi_http@0.2.0.component.wasm",
	"ext:rust-oci-wasm/component.wasm",
};

START_TEST(round_trip_external)
{
	static const unsigned depths[] = { 1, 2, 4, 8 };
	char *path = fixture(external_fixtures[_i]);
	size_t d;

	if (access(path, R_OK) != 0) {
		free(path);
		return; /* ../shared/fixtures/external is not beside this checkout */
	}
	free(path);
	for (d = 0; d < 4; d++) {
		struct exploded x;
		explode(&x, external_fixtures[_i], depths[d], 0);
		assert_round_trip(&x);
		exploded_free(&x);
	}
}
END_TEST

START_TEST(round_trip_every_depth)
{
	static const unsigned depths[] = { 1, 2, 3, 8 };
	static const uint64_t mins[] = { 0, 100, WPKG_EXPLODE_DEFAULT_MIN_LAYER_SIZE };
	size_t d, m;

	for (d = 0; d < 4; d++) {
		for (m = 0; m < 3; m++) {
			struct exploded x;
			explode(&x, nested_fixtures[_i], depths[d], mins[m]);
			assert_round_trip(&x);
			exploded_free(&x);
		}
	}
}
END_TEST

/* composed-wat: 2 modules and a component at depth 1, a module at depth 2 (manifest.json nested). */
START_TEST(plan_composed_wat)
{
	struct exploded x;

	explode(&x, "components/composed-wat.component.wasm", 1, 0);
	ck_assert_uint_eq(x.recipe.n_parts, 3);
	ck_assert_uint_eq(x.recipe.parts[0].offset, 93);
	ck_assert_uint_eq(x.recipe.parts[0].size, 113);
	ck_assert_uint_eq(x.recipe.parts[1].offset, 259);
	ck_assert_uint_eq(x.recipe.parts[1].size, 166);
	ck_assert_uint_eq(x.recipe.parts[2].offset, 506);
	ck_assert_uint_eq(x.recipe.parts[2].size, 190);
	ck_assert_uint_eq(x.recipe.n_layers, 4);
	ck_assert_uint_eq(x.skeleton_size, 1106 - 113 - 166 - 190);
	exploded_free(&x);

	/* depth 2 opens the nested component: its module is cut, its glue stays in the skeleton */
	explode(&x, "components/composed-wat.component.wasm", 2, 0);
	ck_assert_uint_eq(x.recipe.n_parts, 3);
	ck_assert_uint_eq(x.recipe.parts[2].offset, 516);
	ck_assert_uint_eq(x.recipe.parts[2].size, 50);
	ck_assert_uint_eq(x.skeleton_size, 1106 - 113 - 166 - 50);
	assert_round_trip(&x);
	exploded_free(&x);

	/* below the threshold nothing is cut */
	explode(&x, "components/composed-wat.component.wasm", 1, WPKG_EXPLODE_DEFAULT_MIN_LAYER_SIZE);
	ck_assert_uint_eq(x.recipe.n_parts, 0);
	ck_assert_uint_eq(x.recipe.n_layers, 1);
	ck_assert_uint_eq(x.skeleton_size, 1106);
	assert_round_trip(&x);
	exploded_free(&x);
}
END_TEST

/* The 1,345,860-byte QuickJS engine is one layer in both components at depth 2, and the same blob. */
START_TEST(qjs_engine_shared)
{
	static const char engine[] = "9db587cf543eb9127b7c85e428647fd72b12d22e3f3b0e2a9a3cc01fc8ffa446";
	const char *files[2] = { "components/hello-qjs.component.wasm", "components/calc-qjs.component.wasm" };
	size_t f, p, found;

	for (f = 0; f < 2; f++) {
		struct exploded x;
		explode(&x, files[f], 2, WPKG_EXPLODE_DEFAULT_MIN_LAYER_SIZE);
		found = 0;
		for (p = 0; p < x.recipe.n_parts; p++) {
			const struct wpkg_wasm_part *wp = &x.info->parts[x.recipe.parts[p].wasm_part];
			if (strcmp(wp->sha256, engine) == 0 && wp->size == 1345860)
				found++;
		}
		ck_assert_uint_eq(found, 1);
		exploded_free(&x);
	}
}
END_TEST

/* Identical constituents inside one component become one layer used twice. */
START_TEST(identical_parts_share_a_layer)
{
	struct exploded x;
	size_t p, q, shared = 0;

	explode(&x, "components/hello-qjs.component.wasm", 3, 0);
	for (p = 0; p < x.recipe.n_parts; p++)
		for (q = p + 1; q < x.recipe.n_parts; q++) {
			const struct wpkg_wasm_part *a = &x.info->parts[x.recipe.parts[p].wasm_part];
			const struct wpkg_wasm_part *b = &x.info->parts[x.recipe.parts[q].wasm_part];
			if (strcmp(a->sha256, b->sha256) == 0) {
				ck_assert_uint_eq(x.recipe.parts[p].layer, x.recipe.parts[q].layer);
				shared++;
			} else {
				ck_assert_uint_ne(x.recipe.parts[p].layer, x.recipe.parts[q].layer);
			}
		}
	assert_round_trip(&x);
	exploded_free(&x);
	(void)shared;
}
END_TEST

START_TEST(recipe_json_round_trip)
{
	struct wpkg_error err = { 0 };
	struct wpkg_recipe back;
	struct exploded x;
	json_t *j;
	char *text;

	explode(&x, "components/composed-wat.component.wasm", 1, 0);
	j = wpkg_recipe_to_json(&x.recipe);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(text,
		"{\"version\":1,\"size\":1106,\"digest\":\"sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a\","
		"\"parts\":[{\"offset\":93,\"size\":113,\"layer\":1},{\"offset\":259,\"size\":166,\"layer\":2},"
		"{\"offset\":506,\"size\":190,\"layer\":3}]}");
	ck_assert_msg(wpkg_recipe_from_json(&back, j, 4, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(back.n_parts, 3);
	ck_assert_uint_eq(back.parts[2].offset, 506);
	ck_assert_str_eq(back.digest.str, x.recipe.digest.str);
	wpkg_recipe_clear(&back);
	free(text);
	json_decref(j);
	exploded_free(&x);
}
END_TEST

static void assert_recipe_refused(const char *json, size_t n_layers, const char *msg)
{
	struct wpkg_error err = { 0 };
	struct wpkg_recipe r;
	json_t *j = json_loads(json, 0, NULL);

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(wpkg_recipe_from_json(&r, j, n_layers, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, msg);
	json_decref(j);
}

#define D "\"digest\":\"sha256:db9cacee54e7988a1ecd2ebb032aa46c826d1f8c5ca50ba694fd930112586e4a\""

START_TEST(recipe_refusals)
{
	assert_recipe_refused("{\"version\":1,\"size\":1106," D ",\"parts\":[{\"offset\":93,\"size\":113,\"layer\":1},"
			      "{\"offset\":200,\"size\":10,\"layer\":2}]}", 3,
			      "recipe: parts[1] at offset 200 overlaps the part before it (which ends at 206)");
	assert_recipe_refused("{\"version\":1,\"size\":1106," D ",\"parts\":[{\"offset\":1100,\"size\":7,\"layer\":1}]}", 2,
			      "recipe: parts[0] (offset 1100, 7 bytes) runs past the end of the 1106-byte component");
	assert_recipe_refused("{\"version\":1,\"size\":1106," D ",\"parts\":[{\"offset\":1,\"size\":7,\"layer\":0}]}", 2,
			      "recipe: parts[0].layer 0 is not a constituent layer (the manifest has 2 layers)");
	assert_recipe_refused("{\"version\":1,\"size\":1106," D ",\"parts\":[{\"offset\":1,\"size\":7,\"layer\":5}]}", 2,
			      "recipe: parts[0].layer 5 is not a constituent layer (the manifest has 2 layers)");
	assert_recipe_refused("{\"version\":1,\"size\":1106," D ",\"parts\":[{\"offset\":-1,\"size\":7,\"layer\":1}]}", 2,
			      "recipe: parts[0].offset must be a non-negative integer");
	assert_recipe_refused("{\"version\":1,\"size\":1106," D ",\"parts\":{}}", 2, "recipe: parts must be an array");
	assert_recipe_refused("{\"version\":1,\"size\":1106,\"digest\":\"sha256:abc\",\"parts\":[]}", 2,
			      "recipe: invalid digest \"sha256:abc\": sha256 needs 64 hex digits, found 3");
}
END_TEST

START_TEST(corruption_caught)
{
	struct wpkg_error err = { 0 };
	struct exploded x;
	unsigned char byte;
	int out;

	explode(&x, "components/composed-wat.component.wasm", 1, 0);
	/* a flipped byte in a constituent */
	ck_assert_int_eq(pread(x.layer_fds[2], &byte, 1, 20), 1);
	byte ^= 0xff;
	ck_assert_int_eq(pwrite(x.layer_fds[2], &byte, 1, 20), 1);
	out = temp_fd();
	ck_assert_int_eq(wpkg_reassemble(out, &x.recipe, x.skeleton_fd, x.skeleton_size, x.layer_fds, x.layer_sizes,
					 x.recipe.n_layers, &err), WPKG_E_DIGEST);
	ck_assert_msg(strstr(err.msg, "reassembled component is sha256:") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "not the recorded sha256:db9cacee") != NULL, "%s", err.msg);
	close(out);
	/* a constituent of the wrong size */
	x.layer_sizes[1] = 112;
	out = temp_fd();
	ck_assert_int_eq(wpkg_reassemble(out, &x.recipe, x.skeleton_fd, x.skeleton_size, x.layer_fds, x.layer_sizes,
					 x.recipe.n_layers, &err), WPKG_E_DIGEST);
	ck_assert_str_eq(err.msg, "layer 1 is 112 bytes but the recipe puts 113 bytes of it at offset 93");
	close(out);
	/* a skeleton of the wrong size */
	out = temp_fd();
	ck_assert_int_eq(wpkg_reassemble(out, &x.recipe, x.skeleton_fd, x.skeleton_size + 1, x.layer_fds,
					 x.layer_sizes, x.recipe.n_layers, &err), WPKG_E_DIGEST);
	ck_assert_str_eq(err.msg, "skeleton is 638 bytes but the recipe needs 637");
	close(out);
	exploded_free(&x);
}
END_TEST

START_TEST(module_refused)
{
	struct wpkg_explode_opts opts = { 1, 0 };
	struct wpkg_error err = { 0 };
	struct wpkg_wasm_info *info;
	struct wpkg_recipe r;
	char *path = fixture("modules/hello-c.core.wasm");

	ck_assert_int_eq(wpkg_wasm_inspect_file(&info, path, WPKG_WASM_HASH_FILE | WPKG_WASM_HASH_PARTS, &err), 0);
	ck_assert_int_eq(wpkg_explode_plan(&r, info, &opts, &err), WPKG_E_INVALID);
	ck_assert_str_eq(err.msg, "only a component can be exploded: this is a core module");
	wpkg_wasm_info_free(info);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("explode");
	TCase *tc = tcase_create("explode");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, round_trip_every_depth, 0, UNIT_N(nested_fixtures));
	tcase_add_loop_test(tc, round_trip_external, 0, UNIT_N(external_fixtures));
	tcase_add_test(tc, plan_composed_wat);
	tcase_add_test(tc, qjs_engine_shared);
	tcase_add_test(tc, identical_parts_share_a_layer);
	tcase_add_test(tc, recipe_json_round_trip);
	tcase_add_test(tc, recipe_refusals);
	tcase_add_test(tc, corruption_caught);
	tcase_add_test(tc, module_refused);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
