#include "git_mirror.hpp"

#include <gomod/format.hpp>

#include <git2.h>

#include <cstdlib>
#include <mutex>

namespace fs = std::filesystem;

namespace gpx::agent {

namespace {

void
init_once()
{
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // libgit2 keeps caches (config regexes, …) until shut down.
    std::atexit([] { git_libgit2_shutdown(); });
  });
}

Error
last_git_error(std::string_view what)
{
  const ::git_error* e = git_error_last();
  return make_error(Error::Code::io, format("{}: {}", what, e != nullptr && e->message != nullptr ? e->message : "unknown git error"));
}

} // namespace

struct GitMirror::Impl
{
  git_repository* repo = nullptr;
  std::string url;

  ~Impl()
  {
    if (repo != nullptr) {
      git_repository_free(repo);
    }
  }

  // The commit a revision names, peeling annotated tags.
  Result<git_commit*>
  commit(const std::string& rev) const
  {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, rev.c_str()) != 0) {
      return make_error(Error::Code::not_found, format("unknown revision {}", rev));
    }
    git_object* peeled = nullptr;
    int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc != 0) {
      return make_error(Error::Code::not_found, format("{} is not a commit", rev));
    }
    return reinterpret_cast<git_commit*>(peeled);
  }
};

GitMirror::GitMirror(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{
}
GitMirror::GitMirror(GitMirror&&) noexcept = default;
GitMirror& GitMirror::operator=(GitMirror&&) noexcept = default;
GitMirror::~GitMirror() = default;

Result<GitMirror>
GitMirror::open(const fs::path& dir, const std::string& url)
{
  init_once();
  auto impl = std::make_unique<Impl>();
  impl->url = url;
  std::error_code ec;
  if (fs::exists(dir / "HEAD", ec)) {
    if (git_repository_open_bare(&impl->repo, dir.c_str()) != 0) {
      return last_git_error(format("cannot open the mirror {}", dir.string()));
    }
  } else if (git_repository_init(&impl->repo, dir.c_str(), 1) != 0) {
    return last_git_error(format("cannot create the mirror {}", dir.string()));
  }
  return GitMirror(std::move(impl));
}

Status
GitMirror::fetch()
{
  git_remote* remote = nullptr;
  // An anonymous remote: the URL is ours to choose every time (url.insteadOf
  // from the user's git config applies to it), nothing is written to the
  // mirror's config.
  if (git_remote_create_anonymous(&remote, m_impl->repo, m_impl->url.c_str()) != 0) {
    return last_git_error(format("remote {}", m_impl->url));
  }
  const char* specs[] = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
  git_strarray refspecs{const_cast<char**>(specs), 2};
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.prune = GIT_FETCH_PRUNE;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE; // the refspec brings them all
  int rc = git_remote_fetch(remote, &refspecs, &opts, nullptr);
  git_remote_free(remote);
  if (rc != 0) {
    return last_git_error(format("fetching {}", m_impl->url));
  }
  return {};
}

std::vector<std::string>
GitMirror::tags() const
{
  std::vector<std::string> out;
  git_strarray names{};
  if (git_tag_list(&names, m_impl->repo) == 0) {
    for (std::size_t i = 0; i < names.count; ++i) {
      out.emplace_back(names.strings[i]);
    }
    git_strarray_dispose(&names);
  }
  return out;
}

Result<std::string>
GitMirror::resolve(const std::string& rev) const
{
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof hex, git_commit_id(*c));
  git_commit_free(*c);
  return std::string(hex);
}

Result<std::int64_t>
GitMirror::commit_time(const std::string& rev) const
{
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  auto t = static_cast<std::int64_t>(git_commit_time(*c));
  git_commit_free(*c);
  return t;
}

Result<std::optional<std::string>>
GitMirror::read_file(const std::string& rev, const std::string& path, std::size_t max_size) const
{
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  git_tree* tree = nullptr;
  int rc = git_commit_tree(&tree, *c);
  git_commit_free(*c);
  if (rc != 0) {
    return last_git_error(format("tree of {}", rev));
  }
  git_tree_entry* entry = nullptr;
  rc = git_tree_entry_bypath(&entry, tree, path.c_str());
  git_tree_free(tree);
  if (rc == GIT_ENOTFOUND) {
    return std::optional<std::string>();
  }
  if (rc != 0) {
    return last_git_error(format("{} at {}", path, rev));
  }
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
    git_tree_entry_free(entry);
    return std::optional<std::string>();
  }
  git_blob* blob = nullptr;
  rc = git_blob_lookup(&blob, m_impl->repo, git_tree_entry_id(entry));
  git_tree_entry_free(entry);
  if (rc != 0) {
    return last_git_error(format("{} at {}", path, rev));
  }
  auto size = static_cast<std::size_t>(git_blob_rawsize(blob));
  if (size > max_size) {
    git_blob_free(blob);
    return make_error(Error::Code::invalid, format("{} at {} is larger than {} bytes", path, rev, max_size));
  }
  std::string text(static_cast<const char*>(git_blob_rawcontent(blob)), size);
  git_blob_free(blob);
  return std::optional(std::move(text));
}

} // namespace gpx::agent
