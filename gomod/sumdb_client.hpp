#pragma once

// A checksum-database client, after golang.org/x/mod/sumdb/client.go: a
// lookup is trusted only once its signed tree note verifies, that tree is
// consistent with the latest tree head already trusted, and the record is
// proven to be in the tree by hashes from tiles that are themselves
// authenticated against the tree hash. Only what passes is handed to
// Ops::write_cache, so a cache written through this client holds nothing
// unproven. A tree head inconsistent with the trusted one (a fork) stops the
// client for good: every later call fails with the same SECURITY ERROR, as
// the go command exits on one.

#include <gomod/gosum.hpp>
#include <gomod/result.hpp>
#include <gomod/sumdb_note.hpp>
#include <gomod/sumdb_tile.hpp>
#include <gomod/sumdb_tlog.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace gpx::gomod::sumdb {

// The go command's own database, whose key it builds in (modfetch/key.go).
inline constexpr std::string_view k_default_key =
  "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

// A GOSUMDB setting: "off", a known name ("sum.golang.org"), "name+hash+key",
// either of the latter followed by the database's URL.
struct Database
{
  bool off = false;
  std::string name; // "sum.golang.org"
  std::string key;  // the verifier key, "name+hash+key"
  std::string url;  // "" unless given: then reached only there, not via proxies
};
// As modfetch/sumdb.go reads GOSUMDB; errors say what is wrong with it.
Result<Database> parse_gosumdb(std::string_view setting);

// Where the client reads and keeps things. Paths are relative to the
// database: remote "lookup/M@V", "tile/8/0/000.p/5", "latest"; cache files
// the same without "latest".
class Ops
{
public:
  virtual ~Ops() = default;
  // Error::Code::not_found for a 404/410 answer.
  virtual Result<std::string> read_remote(const std::string& path) = 0;
  virtual std::optional<std::string> read_cache(const std::string& file) = 0;
  virtual void write_cache(const std::string& file, std::string_view data) = 0;
  // The signed note of the latest trusted tree ("" for none) and its update.
  virtual std::string read_latest() = 0;
  virtual void write_latest(std::string_view note) = 0;
  virtual void security_error(const std::string& message) = 0;
};

struct Lookup
{
  std::string body;    // as the database sent it, verified
  std::int64_t id = 0; // record number
  std::string text;    // the record: go.sum lines
  GoSumEntry hashes;   // for the version asked about
  bool from_cache = false;
};

class Client
{
public:
  // db must not be off.
  Client(Database db, Ops& ops);

  const std::string&
  name() const
  {
    return m_db.name;
  }
  const Database&
  database() const
  {
    return m_db;
  }

  // The verified record of path@version, from the cache or the database.
  // A lookup answered 404/410 is Error::Code::not_found.
  Result<Lookup> lookup(const std::string& path,
                        const std::string& version,
                        bool cache_only = false);

  // The lookup answer to give a go command: the record with the latest
  // trusted tree note instead of the one it came with, once the record is
  // proven in that tree (reading tiles as needed; cache_only: offline). Every
  // answer given out then shares one tree, so the go command asks only for
  // that tree's tiles, which proving the record here cached. nullopt when
  // the record cannot be proven in the latest tree from what is at hand.
  std::optional<std::string> lookup_answer(const Lookup& l, bool cache_only);

  // Reads the latest tree head (Ops::read_remote: the database, or a
  // bundle being imported) and makes it the trusted one if it is newer and
  // consistent.
  Status refresh_latest();
  // The latest trusted tree head: its note ("" if none) and tree.
  std::pair<std::string, tlog::Tree> latest();

  // Tile t's data, authenticated against the latest trusted tree (and kept
  // in the cache); not_found when t lies beyond that tree.
  Result<std::string> tile(const tlog::Tile& t, bool cache_only);

  // Adopting what another cache proved (a bundle, read through
  // Ops::read_remote; its tree head through refresh_latest): a lookup proven
  // in its own tree, on the trusted timeline, and where its tiles allow in
  // the latest tree too.
  Result<Lookup> adopt_lookup(const std::string& path,
                              const std::string& version);

  // The SECURITY ERROR that stopped the client, if any.
  std::optional<std::string> failure();

private:
  class Tiles;
  Status init();
  Result<tlog::Tree> open_tree(std::string_view note);
  Status merge_latest(std::string_view note);
  Status check_trees(const tlog::Tree& older,
                     std::string_view older_note,
                     const tlog::Tree& newer,
                     std::string_view newer_note);
  Status check_record(const tlog::Tree& tree,
                      std::int64_t id,
                      std::string_view text,
                      bool cache_only);
  // A lookup answer proven in the tree its own note signs.
  Result<tlog::Record> prove_in_own_tree(std::string_view body,
                                         bool cache_only);
  static std::string lookup_file(const std::string& path,
                                 const std::string& version);
  Status stopped();

  Database m_db;
  Ops& m_ops;
  std::vector<note::Verifier> m_verifiers;

  std::mutex m_mutex; // guards the members below
  bool m_initialized = false;
  tlog::Tree m_latest;
  std::string m_latest_note;
  std::optional<std::string> m_failure;
};

// The hashes a record's go.sum lines give for path@version.
GoSumEntry record_hashes(std::string_view text,
                         std::string_view path,
                         std::string_view version);

} // namespace gpx::gomod::sumdb
