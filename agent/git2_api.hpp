#pragma once

// libgit2, loaded on first use, for the reason libcurl is (curl_api.hpp):
// linked normally, libgit2 and its fourteen dependencies (libssh2,
// kerberos, mbedtls, pcre2 …) cost an idle agent 1.6 MB of RSS before any
// private module is asked for. The functions gpx calls are listed once,
// below; calling one more is a compile error until it is added here.

#include <gomod/result.hpp>

#include <git2.h>

// clang-format off
#define GPX_LIBGIT2_FUNCTIONS(X) \
  X(git_blob_free) \
  X(git_blob_lookup) \
  X(git_blob_rawcontent) \
  X(git_blob_rawsize) \
  X(git_buf_dispose) \
  X(git_commit_free) \
  X(git_commit_id) \
  X(git_commit_time) \
  X(git_commit_tree) \
  X(git_config_free) \
  X(git_config_set_string) \
  X(git_credential_ssh_key_from_agent) \
  X(git_credential_ssh_key_new) \
  X(git_credential_username_new) \
  X(git_credential_userpass_plaintext_new) \
  X(git_error_last) \
  X(git_fetch_options_init) \
  X(git_filter_list_apply_to_blob) \
  X(git_filter_list_free) \
  X(git_filter_list_load_ext) \
  X(git_graph_descendant_of) \
  X(git_libgit2_init) \
  X(git_libgit2_opts) \
  X(git_libgit2_shutdown) \
  X(git_object_free) \
  X(git_object_id) \
  X(git_object_peel) \
  X(git_odb_free) \
  X(git_odb_read_header) \
  X(git_oid_cpy) \
  X(git_oid_equal) \
  X(git_oid_fromstr) \
  X(git_oid_tostr) \
  X(git_reference_free) \
  X(git_reference_iterator_free) \
  X(git_reference_iterator_new) \
  X(git_reference_name) \
  X(git_reference_next) \
  X(git_reference_peel) \
  X(git_remote_connect) \
  X(git_remote_create_anonymous) \
  X(git_remote_default_branch) \
  X(git_remote_disconnect) \
  X(git_remote_fetch) \
  X(git_remote_free) \
  X(git_remote_init_callbacks) \
  X(git_remote_ls) \
  X(git_repository_config) \
  X(git_repository_free) \
  X(git_repository_init) \
  X(git_repository_odb) \
  X(git_repository_open_bare) \
  X(git_repository_set_head) \
  X(git_revparse_single) \
  X(git_strarray_dispose) \
  X(git_tag_list) \
  X(git_tree_entry_bypath) \
  X(git_tree_entry_filemode) \
  X(git_tree_entry_free) \
  X(git_tree_entry_id) \
  X(git_tree_entry_name) \
  X(git_tree_entry_type) \
  X(git_tree_free) \
  X(git_tree_lookup) \
  X(git_tree_walk) \
  /* end */
// clang-format on

namespace gpx::agent {

struct Git2Api
{
#define GPX_GIT2_MEMBER(name) decltype(&::name) name;
  GPX_LIBGIT2_FUNCTIONS(GPX_GIT2_MEMBER)
#undef GPX_GIT2_MEMBER
};

// The functions, with git_libgit2_init done; loaded once per process. An
// error says what to install.
Result<const Git2Api*> git2_api();

// The loaded functions, for code that runs only once git2_api() has
// succeeded (a mirror is open, or libgit2 itself is calling back); loads
// them otherwise, and ends the process if that fails.
const Git2Api& lg2();

} // namespace gpx::agent
