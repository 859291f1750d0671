#pragma once

// Tamper-evident logs, after golang.org/x/mod/sumdb/tlog (tlog.go, note.go):
// RFC 6962 hashing of records into a Merkle tree, the storage index of its
// hashes, tree hashes, and record (inclusion) and tree (consistency) proofs.
// Tiles are sumdb_tile.hpp's.

#include <gomod/result.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpx::gomod::tlog {

constexpr int hash_size = 32;
using Hash = std::array<unsigned char, hash_size>;

std::string to_base64(const Hash& h);
Result<Hash> hash_from_base64(std::string_view b64);

// SHA-256(0x00 || data) and SHA-256(0x01 || left || right) (RFC 6962).
Hash record_hash(std::string_view data);
Hash node_hash(const Hash& left, const Hash& right);

// Where the hash of the level-L subtree number n is stored, counting all
// hashes stored for records 0..: StoredHashIndex / SplitStoredHashIndex.
std::int64_t stored_hash_index(int level, std::int64_t n);
std::pair<int, std::int64_t> split_stored_hash_index(std::int64_t index);
// How many hashes are stored for a tree of n records.
std::int64_t stored_hash_count(std::int64_t n);

class HashReader
{
public:
  virtual ~HashReader() = default;
  // The hashes at the given storage indexes, in the same order.
  virtual Result<std::vector<Hash>>
  read_hashes(const std::vector<std::int64_t>& indexes) = 0;
};

// r.read_hashes(indexes), with as many hashes as indexes asked for (a
// reader that answers with fewer is an error, not an out-of-range read).
Result<std::vector<Hash>>
read_hashes_checked(HashReader& r, const std::vector<std::int64_t>& indexes);

// The hashes to append to storage when record n (data) is added to a tree
// of n records: StoredHashes / StoredHashesForRecordHash.
Result<std::vector<Hash>>
stored_hashes(std::int64_t n, std::string_view data, HashReader& r);
Result<std::vector<Hash>>
stored_hashes_for_record_hash(std::int64_t n, const Hash& h, HashReader& r);

// The hash of the tree of n records (TreeHash).
Result<Hash> tree_hash(std::int64_t n, HashReader& r);

using RecordProof = std::vector<Hash>;
using TreeProof = std::vector<Hash>;

// ProveRecord / CheckRecord: record n is in the tree of t records whose
// hash is th, and hashes to h.
Result<RecordProof> prove_record(std::int64_t t, std::int64_t n, HashReader& r);
Status check_record(const RecordProof& p,
                    std::int64_t t,
                    const Hash& th,
                    std::int64_t n,
                    const Hash& h);

// ProveTree / CheckTree: the tree of n records (hash h) is a prefix of the
// tree of t records (hash th).
Result<TreeProof> prove_tree(std::int64_t t, std::int64_t n, HashReader& r);
Status check_tree(const TreeProof& p,
                  std::int64_t t,
                  const Hash& th,
                  std::int64_t n,
                  const Hash& h);

// A tree head: size and root hash.
struct Tree
{
  std::int64_t n = 0;
  Hash hash{};
  bool operator==(const Tree&) const = default;
};

// "go.sum database tree\n<N>\n<base64 hash>\n" (FormatTree / ParseTree;
// ParseTree accepts extra lines after those three, as x/mod does).
std::string format_tree(const Tree& tree);
Result<Tree> parse_tree(std::string_view text);

// A lookup answer from a checksum database (ParseRecord):
// "<id>\n<record text>\n<signed tree note>".
struct Record
{
  std::int64_t id = 0;
  std::string text; // the record: its go.sum lines, ending in "\n"
  std::string note; // the signed tree note that follows the blank line
};
Result<Record> parse_record(std::string_view msg);

// FormatRecord: the inverse of parse_record's first two fields.
Result<std::string> format_record(std::int64_t id, std::string_view text);

} // namespace gpx::gomod::tlog
