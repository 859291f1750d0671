#include "sumdb_client.hpp"

#include <gomod/format.hpp>
#include <gomod/module.hpp>

#include <cctype>
#include <set>

namespace gpx::gomod::sumdb {

namespace {

// "host[/path]", as the go command insists, so the name can never change
// which URL it stands for.
bool
valid_db_name(std::string_view name)
{
  if (name.empty() || name.front() == '/' || name.back() == '/'
      || name.find("//") != std::string_view::npos) {
    return false;
  }
  auto host = name.substr(0, name.find('/'));
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool ok = std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~'
              || c == '/' || (c == ':' && i < host.size());
    if (!ok) {
      return false;
    }
  }
  return !host.empty();
}

std::string
indent(std::string_view s)
{
  std::string out;
  for (char c : s) {
    out.push_back(c);
    if (c == '\n') {
      out.push_back('\t');
    }
  }
  return out;
}

} // namespace

Result<Database>
parse_gosumdb(std::string_view setting)
{
  std::string s(setting);
  if (s == "sum.golang.google.cn") {
    s = "sum.golang.org https://sum.golang.google.cn";
  }
  Database db;
  if (s == "off") {
    db.off = true;
    return db;
  }
  std::vector<std::string> fields;
  for (std::size_t i = 0; i < s.size();) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    }
    auto j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) {
      ++j;
    }
    if (j > i) {
      fields.push_back(s.substr(i, j - i));
    }
    i = j;
  }
  if (fields.empty()) {
    return Error::invalid(
      "missing sumdb setting (GOSUMDB form: off, a name, name+hash+key, "
      "optionally followed by a URL)");
  }
  if (fields.size() > 2) {
    return Error::invalid(
      format("invalid sumdb {:?}: too many fields", setting));
  }
  if (fields[0] == "sum.golang.org") {
    fields[0] = std::string(k_default_key);
  }
  auto verifier = note::parse_verifier(fields[0]);
  if (!verifier) {
    return Error::invalid(
      format("invalid sumdb {:?}: {} (a name other than sum.golang.org needs "
             "its key: name+hash+key)",
             setting,
             verifier.error().message));
  }
  if (!valid_db_name(verifier->name())) {
    return Error::invalid(
      format("invalid sumdb name (must be host[/path]): {}", verifier->name()));
  }
  db.name = verifier->name();
  db.key = fields[0];
  if (fields.size() == 2) {
    std::string_view u = fields[1];
    if (!u.starts_with("https://") && !u.starts_with("http://")) {
      return Error::invalid(
        format("invalid sumdb URL {:?}: want http:// or https://", u));
    }
    while (u.ends_with('/')) {
      u.remove_suffix(1);
    }
    db.url = std::string(u);
  }
  return db;
}

GoSumEntry
record_hashes(std::string_view text,
              std::string_view path,
              std::string_view version)
{
  auto sums = parse_go_sum("record", text);
  if (!sums) {
    return {};
  }
  auto* e = sums->find(path, version);
  return e ? *e : GoSumEntry{};
}

// Reads tiles for a TileHashReader: the cache first (it holds only
// authenticated tiles, and a full tile's prefix is as good as the partial
// one), else the database; saves what came from the database once the
// reader has authenticated it.
class Client::Tiles final : public tlog::TileReader
{
public:
  Tiles(Client& c, bool cache_only)
    : m_c(c),
      m_cache_only(cache_only)
  {
  }

  int
  height() const override
  {
    return 8;
  }

  Result<std::vector<std::string>>
  read_tiles(const std::vector<tlog::Tile>& tiles) override
  {
    std::vector<std::string> out;
    for (const auto& t : tiles) {
      auto data = read_one(t);
      if (!data) {
        return data.error();
      }
      out.push_back(std::move(*data));
    }
    return out;
  }

  void
  save_tiles(const std::vector<tlog::Tile>& tiles,
             const std::vector<std::string>& data) override
  {
    for (std::size_t i = 0; i < tiles.size() && i < data.size(); ++i) {
      if (m_cached.insert(tiles[i]).second) {
        m_c.m_ops.write_cache(tiles[i].path(), data[i]);
      }
    }
  }

private:
  Result<std::string>
  read_one(const tlog::Tile& t)
  {
    tlog::Tile full = t;
    full.w = 1 << t.h;
    if (auto d = m_c.m_ops.read_cache(t.path())) {
      m_cached.insert(t);
      return *d;
    }
    if (t != full) {
      if (auto d = m_c.m_ops.read_cache(full.path());
          d
          && d->size() == static_cast<std::size_t>(full.w) * tlog::hash_size) {
        m_cached.insert(t);
        return d->substr(0, static_cast<std::size_t>(t.w) * tlog::hash_size);
      }
    }
    if (m_cache_only) {
      return Error::not_found(format("{}: not in the cache", t.path()));
    }
    auto d = m_c.m_ops.read_remote(t.path());
    if (!d && t != full) {
      // A partial tile the database no longer serves has been completed.
      if (auto f = m_c.m_ops.read_remote(full.path());
          f
          && f->size() == static_cast<std::size_t>(full.w) * tlog::hash_size) {
        return f->substr(0, static_cast<std::size_t>(t.w) * tlog::hash_size);
      }
    }
    return d;
  }

  Client& m_c;
  bool m_cache_only;
  std::set<tlog::Tile> m_cached;
};

Client::Client(Database db, Ops& ops)
  : m_db(std::move(db)),
    m_ops(ops)
{
  if (auto v = note::parse_verifier(m_db.key)) {
    m_verifiers.push_back(std::move(*v));
  }
}

Status
Client::stopped()
{
  std::lock_guard lock(m_mutex);
  if (m_failure) {
    return Error::upstream(*m_failure);
  }
  return {};
}

std::optional<std::string>
Client::failure()
{
  std::lock_guard lock(m_mutex);
  return m_failure;
}

Result<tlog::Tree>
Client::open_tree(std::string_view msg)
{
  note::OpenFailure why;
  auto n = note::open(msg, m_verifiers, &why);
  if (!n) {
    return Error::upstream(format("checksum database {}: reading tree note: {}",
                                  m_db.name,
                                  n.error().message));
  }
  auto tree = tlog::parse_tree(n->text);
  if (!tree) {
    return Error::upstream(format("checksum database {}: reading tree: {}",
                                  m_db.name,
                                  tree.error().message));
  }
  return tree;
}

Status
Client::init()
{
  std::lock_guard lock(m_mutex);
  if (m_initialized) {
    return {};
  }
  auto msg = m_ops.read_latest();
  if (!msg.empty()) {
    auto tree = open_tree(msg);
    if (!tree) {
      return Error::invalid(
        format("{}; the cached tree head is not one this key signed: "
               "run 'gpx verify --repair' to drop it",
               tree.error().message));
    }
    m_latest = *tree;
    m_latest_note = msg;
  }
  m_initialized = true;
  return {};
}

std::pair<std::string, tlog::Tree>
Client::latest()
{
  (void)init();
  std::lock_guard lock(m_mutex);
  return {m_latest_note, m_latest};
}

Status
Client::merge_latest(std::string_view msg)
{
  auto tree = open_tree(msg);
  if (!tree) {
    return tree.error();
  }
  std::unique_lock lock(m_mutex);
  auto latest = m_latest;
  auto latest_note = m_latest_note;
  lock.unlock();
  // Tiles are fetched without the lock, so the latest tree may move
  // meanwhile: retry until this head is checked against the one installed.
  while (true) {
    if (tree->n <= latest.n) {
      return check_trees(*tree, msg, latest, latest_note);
    }
    GPX_TRY(check_trees(latest, latest_note, *tree, msg));
    lock.lock();
    if (m_latest == latest) {
      m_latest = *tree;
      m_latest_note = std::string(msg);
      m_ops.write_latest(msg);
      return {};
    }
    latest = m_latest;
    latest_note = m_latest_note;
    lock.unlock();
  }
}

Status
Client::check_trees(const tlog::Tree& older,
                    std::string_view older_note,
                    const tlog::Tree& newer,
                    std::string_view newer_note)
{
  if (older.n == 0) {
    return {};
  }
  Tiles tiles(*this, false);
  tlog::TileHashReader thr(newer, tiles);
  auto h = tlog::tree_hash(older.n, thr);
  if (!h) {
    return Error::upstream(
      format("checksum database {}: checking tree#{} against tree#{}: {}",
             m_db.name,
             older.n,
             newer.n,
             h.error().message));
  }
  if (*h == older.hash) {
    return {};
  }
  // Two signed tree heads that cannot both be true: keep the evidence, as
  // the go command prints it, and stop trusting this database.
  std::string msg = "SECURITY ERROR\n";
  msg += format("checksum database {} misbehavior detected!\n\n", m_db.name);
  msg += "old database:\n\t" + indent(older_note) + "\n";
  msg += "new database:\n\t" + indent(newer_note) + "\n";
  msg += "proof of misbehavior:\n\t" + tlog::to_base64(*h);
  if (auto p = tlog::prove_tree(newer.n, older.n, thr)) {
    for (const auto& x : *p) {
      msg += "\n\t" + tlog::to_base64(x);
    }
  }
  {
    std::lock_guard lock(m_mutex);
    m_failure = msg;
  }
  m_ops.security_error(msg);
  return Error::upstream(msg);
}

Status
Client::check_record(const tlog::Tree& tree,
                     std::int64_t id,
                     std::string_view text,
                     bool cache_only)
{
  if (id < 0 || id >= tree.n) {
    return Error::upstream(
      format("cannot validate record {} in tree of size {}", id, tree.n));
  }
  Tiles tiles(*this, cache_only);
  tlog::TileHashReader thr(tree, tiles);
  auto hashes = thr.read_hashes({tlog::stored_hash_index(0, id)});
  if (!hashes) {
    return hashes.error();
  }
  if (hashes->size() == 1 && (*hashes)[0] == tlog::record_hash(text)) {
    return {};
  }
  return Error::upstream("cannot authenticate record data in server response");
}

Result<tlog::Record>
Client::prove_in_own_tree(std::string_view body, bool cache_only)
{
  auto rec = tlog::parse_record(body);
  if (!rec) {
    return Error{Error::Code::upstream, rec.error().message};
  }
  auto tree = open_tree(rec->note);
  if (!tree) {
    return tree.error();
  }
  GPX_TRY(check_record(*tree, rec->id, rec->text, cache_only));
  return rec;
}

std::string
Client::lookup_file(const std::string& path, const std::string& version)
{
  auto epath = escape_path(path);
  auto evers = escape_version(version);
  return epath && evers ? "lookup/" + *epath + "@" + *evers : "";
}

Result<Lookup>
Client::lookup(const std::string& path,
               const std::string& version,
               bool cache_only)
{
  GPX_TRY(stopped());
  GPX_TRY(init());
  auto file = lookup_file(path, version);
  if (file.empty()) {
    return Error::invalid(format("{}@{}: not a module version", path, version));
  }
  auto wrap = [&](const Error& e) {
    return Error{e.code, format("{}@{}: {}", path, version, e.message)};
  };
  auto found = [&](const tlog::Record& rec,
                   std::string body) -> Result<Lookup> {
    Lookup l{std::move(body),
             rec.id,
             rec.text,
             record_hashes(rec.text, path, version)};
    if (l.hashes.zip_hash.empty() && l.hashes.go_mod_hash.empty()) {
      // A genuine record, but of another module version.
      return wrap(Error{
        Error::Code::upstream,
        "the checksum database's answer holds no record of this version"});
    }
    return l;
  };
  // A cached answer was proven when it was stored, in the tree its note
  // signs, whose tiles were cached with it: proven again from those alone.
  if (auto cached = m_ops.read_cache(file)) {
    auto rec = prove_in_own_tree(*cached, cache_only);
    if (rec) {
      auto l = found(*rec, std::move(*cached));
      if (l) {
        l->from_cache = true;
      }
      return l;
    }
    if (cache_only) {
      return wrap(rec.error());
    }
  } else if (cache_only) {
    return Error::not_found(
      format("{}@{}: no checksum database record in the cache", path, version));
  }
  auto got = m_ops.read_remote(file);
  if (!got) {
    return wrap(got.error());
  }
  auto rec = tlog::parse_record(*got);
  if (!rec) {
    return wrap(Error{Error::Code::upstream, rec.error().message});
  }
  if (auto ok = merge_latest(rec->note); !ok) {
    return wrap(ok.error());
  }
  auto [note_text, tree] = latest();
  if (auto ok = check_record(tree, rec->id, rec->text, false); !ok) {
    return wrap(ok.error());
  }
  auto l = found(*rec, *got);
  if (l) {
    // Kept with the tree head it was proven in, so that it can be proven
    // again offline from the tiles that proof cached.
    if (auto head = tlog::format_record(rec->id, rec->text)) {
      m_ops.write_cache(file, *head + note_text);
    }
  }
  return l;
}

Result<Lookup>
Client::adopt_lookup(const std::string& path, const std::string& version)
{
  GPX_TRY(stopped());
  GPX_TRY(init());
  auto file = lookup_file(path, version);
  auto body = m_ops.read_remote(file);
  if (!body) {
    return body.error();
  }
  auto rec = prove_in_own_tree(*body, false);
  if (!rec) {
    return rec.error();
  }
  // Its tree must be on the timeline already trusted: a bundle cannot bring
  // in a fork either.
  GPX_TRY(merge_latest(rec->note));
  Lookup l{*body, rec->id, rec->text, record_hashes(rec->text, path, version)};
  if (l.hashes.zip_hash.empty() && l.hashes.go_mod_hash.empty()) {
    return Error::upstream(
      format("{}@{}: the record is of another module version", path, version));
  }
  m_ops.write_cache(file, *body);
  // Best effort: proving it in the latest tree head caches the tiles the go
  // command will ask for once the agent answers with that head.
  (void)lookup_answer(l, false);
  return l;
}

std::optional<std::string>
Client::lookup_answer(const Lookup& l, bool cache_only)
{
  if (!stopped()) {
    return std::nullopt;
  }
  auto [note_text, tree] = latest();
  auto head = tlog::format_record(l.id, l.text);
  if (note_text.empty() || !head
      || !check_record(tree, l.id, l.text, cache_only)) {
    return std::nullopt;
  }
  return *head + note_text;
}

Status
Client::refresh_latest()
{
  GPX_TRY(stopped());
  GPX_TRY(init());
  auto msg = m_ops.read_remote("latest");
  if (!msg) {
    return msg.error();
  }
  return merge_latest(*msg);
}

Result<std::string>
Client::tile(const tlog::Tile& t, bool cache_only)
{
  GPX_TRY(stopped());
  GPX_TRY(init());
  if (t.l < 0 || t.h != 8 || t.w < 1 || t.w > (1 << t.h) || t.n < 0
      || t.l * t.h >= 62) {
    return Error::invalid(format("{}: not a hash tile of height 8", t.path()));
  }
  if (auto d = m_ops.read_cache(t.path())) {
    return *d;
  }
  int level = t.l * t.h;
  if (t.n > (std::int64_t{1} << (62 - level - t.h))) {
    return Error::not_found(format("{}: beyond any tree", t.path()));
  }
  std::int64_t first = t.n << t.h;
  for (int attempt = 0;; ++attempt) {
    auto [note_text, latest] = this->latest();
    if (first + t.w <= (latest.n >> level)) {
      break;
    }
    if (cache_only || attempt > 0) {
      return Error::not_found(format(
        "{}: beyond the latest verified tree (size {})", t.path(), latest.n));
    }
    GPX_TRY(refresh_latest());
  }
  std::vector<std::int64_t> indexes;
  for (int i = 0; i < t.w; ++i) {
    indexes.push_back(tlog::stored_hash_index(level, first + i));
  }
  tlog::Tree latest = this->latest().second;
  Tiles tiles(*this, cache_only);
  tlog::TileHashReader thr(latest, tiles);
  auto hashes = thr.read_hashes(indexes);
  if (!hashes) {
    return hashes.error();
  }
  std::string data;
  for (const auto& h : *hashes) {
    data.append(reinterpret_cast<const char*>(h.data()), h.size());
  }
  m_ops.write_cache(t.path(), data);
  return data;
}

} // namespace gpx::gomod::sumdb
