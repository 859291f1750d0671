// The checksum database as the agent reads it (gomod/sumdb_*, agent's
// check of /sumdb/ operations, cache's lookup names): lookup bodies, signed
// notes, tree heads, tile paths and GOSUMDB settings. No crash; a tile path
// the database would serve passes the agent's check; and above all a
// lookup body, alone or under a genuinely signed tree head, is accepted
// only when it is the database's own record of the version asked for.

#include "../support/fake_sumdb.hpp"
#include "fuzz_input.hpp"

#include <agent/proxy_handler.hpp>
#include <cache/layout.hpp>
#include <gomod/sumdb_client.hpp>

#include <cstdlib>
#include <map>

namespace {

namespace sdb = gpx::gomod::sumdb;

constexpr int k_versions = 5;

std::string
h1(char kind, int i)
{
  // Distinct, well-formed hashes: 32 bytes in base64.
  return "h1:" + std::string(42, static_cast<char>('A' + i)) + kind + "=";
}

gpx::test::FakeSumdb&
database()
{
  static gpx::test::FakeSumdb db = [] {
    gpx::test::FakeSumdb d("sum.fuzz.example");
    for (int i = 0; i < k_versions; ++i) {
      d.add(
        "example.com/m", "v1.0." + std::to_string(i), h1('z', i), h1('m', i));
    }
    return d;
  }();
  return db;
}

// The database's tiles and tree head; the lookup answer is the input.
class Ops final : public sdb::Ops
{
public:
  explicit Ops(std::string lookup)
    : m_lookup(std::move(lookup)),
      m_tiles(database().tiles())
  {
  }

  gpx::Result<std::string>
  read_remote(const std::string& path) override
  {
    if (path.starts_with("lookup/")) {
      return m_lookup;
    }
    if (path == "latest") {
      return database().signed_tree();
    }
    if (auto t = m_tiles.find(path); t != m_tiles.end()) {
      return t->second;
    }
    return gpx::make_error(gpx::Error::Code::not_found, path);
  }
  std::optional<std::string>
  read_cache(const std::string& file) override
  {
    auto f = m_cache.find(file);
    return f == m_cache.end() ? std::nullopt : std::optional(f->second);
  }
  void
  write_cache(const std::string& file, std::string_view data) override
  {
    m_cache[file] = std::string(data);
  }
  std::string
  read_latest() override
  {
    return m_latest;
  }
  void
  write_latest(std::string_view note) override
  {
    m_latest = std::string(note);
  }
  void
  security_error(const std::string&) override
  {
  }

private:
  std::string m_lookup;
  std::map<std::string, std::string> m_tiles;
  std::map<std::string, std::string> m_cache;
  std::string m_latest;
};

void
lookup(const std::string& body)
{
  auto& db = database();
  Ops ops(body);
  sdb::Client client(sdb::Database{false, db.name(), db.verifier_key(), ""},
                     ops);
  for (int i = 0; i < k_versions; i += 2) {
    auto version = "v1.0." + std::to_string(i);
    auto l = client.lookup("example.com/m", version);
    if (!l) {
      continue;
    }
    if (l->hashes.zip_hash != h1('z', i)
        || l->hashes.go_mod_hash != h1('m', i)) {
      std::abort(); // a record the database never signed for this version
    }
    (void)client.lookup_answer(*l, false);
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace tlog = gpx::gomod::tlog;
  auto in = gpx::fuzz::text(data, size);
  for (const auto& line : gpx::fuzz::lines(in, 1, 4)) {
    auto t = tlog::parse_tile_path(line);
    if (t && t->h == 8 && !gpx::agent::check_sumdb_op(line)) {
      std::abort(); // the go command's tiles are height 8
    }
    (void)gpx::agent::check_sumdb_op(line);
    (void)gpx::cache::sumdb_lookup_version(line);
    (void)sdb::parse_gosumdb(line);
  }
  if (auto rec = tlog::parse_record(in);
      rec
      && (!tlog::format_record(rec->id, rec->text)
          || !in.ends_with(rec->note))) {
    std::abort();
  }
  (void)tlog::parse_tree(in);
  (void)sdb::record_hashes(in, "example.com/m", "v1.0.0");
  lookup(in);
  lookup(in + database().signed_tree());
  return 0;
}
