#include "git_mirror.hpp"

#include "git2_api.hpp"

#include <agent/proxy_list.hpp>
#include <gomod/format.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace fs = std::filesystem;

namespace gpx::agent {

namespace {

// libgit2 loaded (git2_api.hpp) and set up, once.
Status
init_once()
{
  if (auto api = git2_api(); !api) {
    return api.error();
  }
  static std::once_flag once;
  std::call_once(once, [] {
    // Blobs are read once, for a zip: caching them would keep a large
    // file's bytes in memory after its zip is written.
    lg2().git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT,
                           GIT_OBJECT_BLOB,
                           static_cast<std::size_t>(0));
    // Pack windows: a bound on what stays mapped between requests.
    lg2().git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT,
                           static_cast<std::size_t>(32u << 20));
    // libgit2 keeps caches (config regexes, …) until shut down.
    std::atexit([] { lg2().git_libgit2_shutdown(); });
  });
  return {};
}

// libgit2's message for the call that just failed. It is thread-local and
// the next libgit2 call may replace it, so it is read here only, at once.
std::string
last_git_message()
{
  const ::git_error* e = lg2().git_error_last();
  return e != nullptr && e->message != nullptr ? e->message
                                               : "unknown git error";
}

Error
last_git_error(std::string_view what)
{
  return Error::io(format("{}: {}", what, last_git_message()));
}

std::string
hex_of(const git_oid* oid)
{
  char hex[GIT_OID_HEXSZ + 1] = {};
  lg2().git_oid_tostr(hex, sizeof hex, oid);
  return hex;
}

} // namespace

struct GitMirror::Impl
{
  git_repository* repo = nullptr;
  std::string fetch_url; // credentials included: only for fetching
  std::string origin;    // redacted, the only form shown in Origin.URL

  ~Impl()
  {
    if (repo != nullptr) {
      lg2().git_repository_free(repo);
    }
  }

  // The commit a revision names, peeling annotated tags.
  Result<git_commit*>
  commit(const std::string& rev) const
  {
    git_object* obj = nullptr;
    // libgit2 reads a C string: "main\0x" would be taken for "main".
    if (rev.find('\0') != std::string::npos
        || lg2().git_revparse_single(&obj, repo, rev.c_str()) != 0) {
      return Error::not_found(format("unknown revision {}", rev));
    }
    git_object* peeled = nullptr;
    int rc = lg2().git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    lg2().git_object_free(obj);
    if (rc != 0) {
      return Error::not_found(format("{} is not a commit", rev));
    }
    return reinterpret_cast<git_commit*>(peeled);
  }
};

GitMirror::GitMirror(std::unique_ptr<Impl> impl)
  : m_impl(std::move(impl))
{
}
GitMirror::GitMirror(GitMirror&&) noexcept = default;
GitMirror& GitMirror::operator=(GitMirror&&) noexcept = default;
GitMirror::~GitMirror() = default;

Result<GitMirror>
GitMirror::open(const fs::path& dir,
                const std::string& url,
                const std::string& origin)
{
  GPX_TRY(init_once());
  auto impl = std::make_unique<Impl>();
  impl->fetch_url = url;
  impl->origin = redact_url(origin.empty() ? url : origin);
  std::error_code ec;
  if (fs::exists(dir / "HEAD", ec)) {
    if (lg2().git_repository_open_bare(&impl->repo, dir.c_str()) != 0) {
      return last_git_error(format("cannot open the mirror {}", dir.string()));
    }
  } else {
    if (lg2().git_repository_init(&impl->repo, dir.c_str(), 1) != 0) {
      return last_git_error(
        format("cannot create the mirror {}", dir.string()));
    }
    // What the go command sets for `git archive`, so a blob leaves with the
    // same line endings on every machine.
    git_config* cfg = nullptr;
    if (lg2().git_repository_config(&cfg, impl->repo) == 0) {
      lg2().git_config_set_string(cfg, "core.autocrlf", "input");
      lg2().git_config_set_string(cfg, "core.eol", "lf");
      lg2().git_config_free(cfg);
    }
  }
  return GitMirror(std::move(impl));
}

const std::string&
GitMirror::origin() const
{
  return m_impl->origin;
}

const std::string&
GitMirror::url() const
{
  return origin();
}

const std::string&
GitMirror::fetch_url() const
{
  return m_impl->fetch_url;
}

namespace {

// What went wrong talking to url, with what to do next.
Error
remote_error(int rc, const GitCredentialState& creds, const std::string& url)
{
  std::string message = last_git_message();
  if (rc == GIT_EAUTH || creds.asked()) {
    // libgit2's own words ("… but no callback set") would mislead here.
    return Error::io(format("fetching {}: authentication failed: {}",
                            redact_url(url),
                            creds.explain()));
  }
  if (message.find("hostkey") != std::string::npos) {
    return Error::io(
      format("fetching {}: {}: add the server's host key to ~/.ssh/known_hosts "
             "(ssh-keyscan HOST >> ~/.ssh/known_hosts, after checking it)",
             redact_url(url),
             message));
  }
  if (message.find("certificate") != std::string::npos) {
    return Error::io(
      format("fetching {}: {}: set ca_file to the PEM bundle of the CA that "
             "signs this server's certificate",
             redact_url(url),
             message));
  }
  return Error::io(format("fetching {}: {}", redact_url(url), message));
}

// An anonymous remote for url: the URL is ours to choose every time
// (url.insteadOf from the user's git config applies to it), nothing is
// written to the mirror's config.
Result<git_remote*>
anonymous_remote(git_repository* repo,
                 const GitAuth& auth,
                 const std::string& url)
{
  if (!auth.ca_file.empty()) {
    lg2().git_libgit2_opts(
      GIT_OPT_SET_SSL_CERT_LOCATIONS, auth.ca_file.c_str(), nullptr);
  }
  git_remote* remote = nullptr;
  if (lg2().git_remote_create_anonymous(&remote, repo, url.c_str()) != 0) {
    return last_git_error(format("remote {}", redact_url(url)));
  }
  return remote;
}

} // namespace

Status
GitMirror::fetch(const GitAuth& auth)
{
  auto remote = anonymous_remote(m_impl->repo, auth, m_impl->fetch_url);
  if (!remote) {
    return remote.error();
  }
  const char* specs[] = {"+refs/heads/*:refs/heads/*",
                         "+refs/tags/*:refs/tags/*"};
  git_strarray refspecs{const_cast<char**>(specs), 2};
  GitCredentialState creds;
  creds.auth = &auth;
  // The init functions, not the *_INIT macros: those leave fields out, which
  // clang's -Wmissing-field-initializers rejects.
  git_fetch_options opts;
  lg2().git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
  opts.prune = GIT_FETCH_PRUNE;
  opts.download_tags =
    GIT_REMOTE_DOWNLOAD_TAGS_NONE; // the refspec brings them all
  opts.callbacks.credentials = &git_credential_callback;
  opts.callbacks.payload = &creds;
  if (int rc = lg2().git_remote_fetch(*remote, &refspecs, &opts, nullptr);
      rc != 0) {
    auto e = remote_error(rc, creds, m_impl->fetch_url);
    lg2().git_remote_free(*remote);
    return e;
  }
  // The remote's default branch becomes our HEAD, as `git ls-remote` would
  // show it; a remote without one leaves HEAD as it was.
  git_buf head = GIT_BUF_INIT;
  if (lg2().git_remote_default_branch(&head, *remote) == 0) {
    lg2().git_repository_set_head(m_impl->repo, head.ptr);
    lg2().git_buf_dispose(&head);
  }
  lg2().git_remote_free(*remote);
  return {};
}

Status
GitMirror::probe(const GitAuth& auth) const
{
  auto remote = anonymous_remote(m_impl->repo, auth, m_impl->fetch_url);
  if (!remote) {
    return remote.error();
  }
  GitCredentialState creds;
  creds.auth = &auth;
  git_remote_callbacks callbacks;
  lg2().git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION);
  callbacks.credentials = &git_credential_callback;
  callbacks.payload = &creds;
  int rc = lg2().git_remote_connect(
    *remote, GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr);
  if (rc == 0) {
    const git_remote_head** heads = nullptr;
    std::size_t count = 0;
    rc = lg2().git_remote_ls(&heads, &count, *remote);
  }
  Status out;
  if (rc != 0) {
    out = remote_error(rc, creds, m_impl->fetch_url);
  }
  lg2().git_remote_disconnect(*remote);
  lg2().git_remote_free(*remote);
  return out;
}

std::map<std::string, std::string>
GitMirror::refs() const
{
  std::map<std::string, std::string> out;
  git_reference_iterator* it = nullptr;
  if (lg2().git_reference_iterator_new(&it, m_impl->repo) != 0) {
    return out;
  }
  git_reference* ref = nullptr;
  while (lg2().git_reference_next(&ref, it) == 0) {
    std::string name = lg2().git_reference_name(ref);
    if (name.starts_with("refs/heads/") || name.starts_with("refs/tags/")) {
      git_object* obj = nullptr;
      if (lg2().git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
        out[name] = hex_of(lg2().git_object_id(obj));
        lg2().git_object_free(obj);
      }
    }
    lg2().git_reference_free(ref);
  }
  lg2().git_reference_iterator_free(it);
  if (auto head = resolve("HEAD")) {
    out["HEAD"] = *head;
  }
  return out;
}

std::vector<std::string>
GitMirror::tags() const
{
  std::vector<std::string> out;
  git_strarray names{};
  if (lg2().git_tag_list(&names, m_impl->repo) == 0) {
    for (std::size_t i = 0; i < names.count; ++i) {
      out.emplace_back(names.strings[i]);
    }
    lg2().git_strarray_dispose(&names);
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
  auto hex = hex_of(lg2().git_commit_id(*c));
  lg2().git_commit_free(*c);
  return hex;
}

Result<std::int64_t>
GitMirror::commit_time(const std::string& rev) const
{
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  auto t = static_cast<std::int64_t>(lg2().git_commit_time(*c));
  lg2().git_commit_free(*c);
  return t;
}

Result<std::optional<std::string>>
GitMirror::read_file(const std::string& rev,
                     const std::string& path,
                     std::size_t max_size) const
{
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  git_tree* tree = nullptr;
  int rc = lg2().git_commit_tree(&tree, *c);
  lg2().git_commit_free(*c);
  if (rc != 0) {
    return last_git_error(format("tree of {}", rev));
  }
  git_tree_entry* entry = nullptr;
  rc = lg2().git_tree_entry_bypath(&entry, tree, path.c_str());
  lg2().git_tree_free(tree);
  if (rc == GIT_ENOTFOUND) {
    return std::optional<std::string>();
  }
  if (rc != 0) {
    return last_git_error(format("{} at {}", path, rev));
  }
  if (lg2().git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
    lg2().git_tree_entry_free(entry);
    return std::optional<std::string>();
  }
  git_blob* blob = nullptr;
  rc =
    lg2().git_blob_lookup(&blob, m_impl->repo, lg2().git_tree_entry_id(entry));
  lg2().git_tree_entry_free(entry);
  if (rc != 0) {
    return last_git_error(format("{} at {}", path, rev));
  }
  auto size = static_cast<std::size_t>(lg2().git_blob_rawsize(blob));
  if (size > max_size) {
    lg2().git_blob_free(blob);
    return Error::invalid(
      format("{} at {} is larger than {} bytes", path, rev, max_size));
  }
  std::string text(static_cast<const char*>(lg2().git_blob_rawcontent(blob)),
                   size);
  lg2().git_blob_free(blob);
  return std::optional(std::move(text));
}

Result<gomod::CodeRev>
GitMirror::stat(const std::string& rev) const
{
  bool short_hex =
    rev.size() < 7 && std::all_of(rev.begin(), rev.end(), [](char ch) {
      return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
    });
  if (short_hex && refs().count("refs/tags/" + rev) == 0
      && refs().count("refs/heads/" + rev) == 0) {
    return Error::not_found(format("unknown revision {}", rev));
  }
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  gomod::CodeRev out;
  out.hash = hex_of(lg2().git_commit_id(*c));
  out.time = static_cast<std::int64_t>(lg2().git_commit_time(*c));
  lg2().git_commit_free(*c);
  for (const auto& [name, hash] : refs()) {
    if (hash == out.hash && name.starts_with("refs/tags/")) {
      out.tags.push_back(name.substr(10));
    }
  }
  return out;
}

Result<bool>
GitMirror::is_ancestor(const std::string& ancestor,
                       const std::string& rev) const
{
  git_oid a;
  git_oid r;
  if (lg2().git_oid_fromstr(&a, ancestor.c_str()) != 0
      || lg2().git_oid_fromstr(&r, rev.c_str()) != 0) {
    return Error::invalid(
      format("is_ancestor wants full hashes, got {} and {}", ancestor, rev));
  }
  if (lg2().git_oid_equal(&a, &r) != 0) {
    return true;
  }
  int rc = lg2().git_graph_descendant_of(m_impl->repo, &r, &a);
  if (rc < 0) {
    return last_git_error(format("ancestry of {}", rev));
  }
  return rc == 1;
}

namespace {

struct ListState
{
  git_repository* repo;
  const git_oid* commit;
  std::string prefix; // the listed directory, "" or "dir/"
  std::vector<gomod::CodeFile>* out;
  std::string error;
};

// The filters `git archive` would run on path at commit (eol, ident from
// the commit's .gitattributes), or null when none applies.
Result<git_filter_list*>
archive_filters(git_repository* repo,
                const git_oid* commit,
                const std::string& path)
{
  git_filter_options fopts{}; // GIT_FILTER_OPTIONS_INIT, spelled out for
                              // clang's -Wmissing-field-initializers
  fopts.version = GIT_FILTER_OPTIONS_VERSION;
  fopts.flags = GIT_FILTER_ATTRIBUTES_FROM_COMMIT;
  lg2().git_oid_cpy(&fopts.attr_commit_id, commit);
  git_filter_list* filters = nullptr;
  if (lg2().git_filter_list_load_ext(
        &filters, repo, nullptr, path.c_str(), GIT_FILTER_TO_WORKTREE, &fopts)
      != 0) {
    return last_git_error(format("filters for {}", path));
  }
  return filters;
}

// A file's bytes as `git archive` writes them: the blob where libgit2
// holds it (no copy of a large file), or what the filters made of it.
class ArchiveReader : public gomod::zip::Reader
{
public:
  explicit ArchiveReader(git_blob* blob)
    : m_blob(blob),
      m_data(static_cast<const char*>(lg2().git_blob_rawcontent(blob))),
      m_size(static_cast<std::size_t>(lg2().git_blob_rawsize(blob)))
  {
  }
  ~ArchiveReader() override
  {
    lg2().git_buf_dispose(&m_buf);
    lg2().git_blob_free(m_blob);
  }
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // Replaces the raw bytes with what filters make of them.
  Status
  filter(git_filter_list* filters, const std::string& path)
  {
    if (lg2().git_filter_list_apply_to_blob(&m_buf, filters, m_blob) != 0) {
      return last_git_error(format("filtering {}", path));
    }
    m_data = m_buf.ptr;
    m_size = m_buf.size;
    return {};
  }

  std::size_t
  size() const
  {
    return m_size;
  }

  Result<std::size_t>
  read(std::span<char> out) override
  {
    std::size_t n = std::min(out.size(), m_size - m_pos);
    std::memcpy(out.data(), m_data + m_pos, n);
    m_pos += n;
    return n;
  }

private:
  git_blob* m_blob;
  git_buf m_buf = GIT_BUF_INIT;
  const char* m_data;
  std::size_t m_size;
  std::size_t m_pos = 0;
};

// The archive form of blob id at path in commit.
Result<std::unique_ptr<ArchiveReader>>
open_archive(git_repository* repo,
             const git_oid* commit,
             const std::string& path,
             const git_oid* id)
{
  auto filters = archive_filters(repo, commit, path);
  if (!filters) {
    return filters.error();
  }
  git_blob* blob = nullptr;
  if (lg2().git_blob_lookup(&blob, repo, id) != 0) {
    lg2().git_filter_list_free(*filters);
    return last_git_error(path);
  }
  auto reader = std::make_unique<ArchiveReader>(blob);
  if (*filters != nullptr) {
    auto filtered = reader->filter(*filters, path);
    lg2().git_filter_list_free(*filters);
    if (!filtered) {
      return filtered.error();
    }
  }
  return reader;
}

// The blob's size as `git archive` writes it: from the object header alone
// unless a filter applies.
Result<std::uint64_t>
archive_size(git_repository* repo,
             const git_oid* commit,
             const std::string& path,
             const git_oid* id)
{
  auto filters = archive_filters(repo, commit, path);
  if (!filters) {
    return filters.error();
  }
  if (*filters != nullptr) {
    lg2().git_filter_list_free(*filters);
    auto reader = open_archive(repo, commit, path, id);
    if (!reader) {
      return reader.error();
    }
    return static_cast<std::uint64_t>((*reader)->size());
  }
  git_odb* odb = nullptr;
  if (lg2().git_repository_odb(&odb, repo) != 0) {
    return last_git_error(path);
  }
  std::size_t len = 0;
  git_object_t type{};
  int rc = lg2().git_odb_read_header(&len, &type, odb, id);
  lg2().git_odb_free(odb);
  if (rc != 0) {
    return last_git_error(path);
  }
  return static_cast<std::uint64_t>(len);
}

int
list_entry(const char* root, const git_tree_entry* entry, void* payload)
{
  auto& st = *static_cast<ListState*>(payload);
  auto mode = lg2().git_tree_entry_filemode(entry);
  if (mode == GIT_FILEMODE_TREE) {
    return 0; // descend
  }
  gomod::CodeFile f;
  f.path = std::string(root) + lg2().git_tree_entry_name(entry);
  f.id = hex_of(lg2().git_tree_entry_id(entry));
  if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
    f.type = gomod::zip::FileType::regular;
    auto size = archive_size(
      st.repo, st.commit, st.prefix + f.path, lg2().git_tree_entry_id(entry));
    if (!size) {
      st.error = size.error().message;
      return -1;
    }
    f.size = *size;
  } else if (mode == GIT_FILEMODE_LINK) {
    f.type = gomod::zip::FileType::symlink;
  } else {
    return 0; // submodules: `git archive` writes an empty directory
  }
  st.out->push_back(std::move(f));
  return 0;
}

} // namespace

Result<std::optional<std::vector<gomod::CodeFile>>>
GitMirror::list_files(const std::string& rev, const std::string& dir) const
{
  auto c = m_impl->commit(rev);
  if (!c) {
    return c.error();
  }
  git_oid commit_id;
  lg2().git_oid_cpy(&commit_id, lg2().git_commit_id(*c));
  git_tree* tree = nullptr;
  int rc = lg2().git_commit_tree(&tree, *c);
  lg2().git_commit_free(*c);
  if (rc != 0) {
    return last_git_error(format("tree of {}", rev));
  }
  if (!dir.empty()) {
    git_tree_entry* entry = nullptr;
    rc = lg2().git_tree_entry_bypath(&entry, tree, dir.c_str());
    lg2().git_tree_free(tree);
    tree = nullptr;
    if (rc == GIT_ENOTFOUND) {
      return std::optional<std::vector<gomod::CodeFile>>();
    }
    if (rc != 0) {
      return last_git_error(format("{} at {}", dir, rev));
    }
    if (lg2().git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
      lg2().git_tree_entry_free(entry);
      return std::optional<std::vector<gomod::CodeFile>>();
    }
    rc = lg2().git_tree_lookup(
      &tree, m_impl->repo, lg2().git_tree_entry_id(entry));
    lg2().git_tree_entry_free(entry);
    if (rc != 0) {
      return last_git_error(format("{} at {}", dir, rev));
    }
  }
  std::vector<gomod::CodeFile> files;
  ListState st{
    m_impl->repo, &commit_id, dir.empty() ? "" : dir + "/", &files, {}};
  rc = lg2().git_tree_walk(tree, GIT_TREEWALK_PRE, &list_entry, &st);
  lg2().git_tree_free(tree);
  if (!st.error.empty()) {
    return Error::io(format("listing {} at {}: {}", dir, rev, st.error));
  }
  if (rc != 0) {
    return last_git_error(format("listing {} at {}", dir, rev));
  }
  return std::optional(std::move(files));
}

Result<std::unique_ptr<gomod::zip::Reader>>
GitMirror::open_archive_blob(const std::string& rev,
                             const std::string& path,
                             const std::string& blob_id) const
{
  git_oid commit_id;
  git_oid id;
  if (lg2().git_oid_fromstr(&commit_id, rev.c_str()) != 0
      || lg2().git_oid_fromstr(&id, blob_id.c_str()) != 0) {
    return Error::invalid(format(
      "open_archive_blob wants full hashes, got {} and {}", rev, blob_id));
  }
  auto reader = open_archive(m_impl->repo, &commit_id, path, &id);
  if (!reader) {
    return reader.error();
  }
  return std::unique_ptr<gomod::zip::Reader>(std::move(*reader));
}

} // namespace gpx::agent
