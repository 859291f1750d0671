#pragma once

// Tiles of a tamper-evident log, after golang.org/x/mod/sumdb/tlog/tile.go:
// a tile of height H at level L holds W ≤ 2^H consecutive hashes of level
// L·H; its path is "tile/H/L/NNN[.p/W]" (NNN in groups of three digits,
// "x" before all but the last group: tile/8/0/x001/234), or with L "data"
// for the records themselves. TileHashReader reads hashes from tiles and
// authenticates every tile it uses against a trusted tree hash.

#include <gomod/result.hpp>
#include <gomod/sumdb_tlog.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::tlog {

struct Tile
{
  int h = 0;          // height, 1..30
  int l = 0;          // level; -1 for a data tile
  std::int64_t n = 0; // number within the level
  int w = 0;          // width, 1..2^h

  auto operator<=>(const Tile&) const = default;
  // "tile/H/L/NNN[.p/W]" (Tile.Path).
  std::string path() const;
};

// ParseTilePath: the inverse of Tile::path; errors for anything else.
Result<Tile> parse_tile_path(std::string_view path);

// TileForIndex: the tile of height h holding stored hash index, with the
// width it needs to include that hash.
Tile tile_for_index(int h, std::int64_t index);

// HashFromTile: the hash at stored index in tile t, whose data is given.
Result<Hash>
hash_from_tile(const Tile& t, std::string_view data, std::int64_t index);

// NewTiles: the tiles of height h that change (or appear) as a tree grows
// from old_size to new_size records.
std::vector<Tile>
new_tiles(int h, std::int64_t old_size, std::int64_t new_size);

// ReadTileData: tile t's contents read from the hash storage.
Result<std::string> read_tile_data(const Tile& t, HashReader& r);

// Where TileHashReader gets tiles from.
class TileReader
{
public:
  virtual ~TileReader() = default;
  virtual int height() const = 0;
  // The data of each tile (W·32 bytes), not yet trusted.
  virtual Result<std::vector<std::string>>
  read_tiles(const std::vector<Tile>& tiles) = 0;
  // Called with tiles that have been authenticated against a tree hash.
  virtual void save_tiles(const std::vector<Tile>& tiles,
                          const std::vector<std::string>& data) = 0;
};

// TileHashReader: a HashReader for the tree `tree` that authenticates every
// tile it reads against tree.hash (and full tiles against their parents)
// before using any hash or calling save_tiles; a mismatch is an error
// containing "downloaded inconsistent tile".
class TileHashReader final : public HashReader
{
public:
  TileHashReader(Tree tree, TileReader& reader)
    : m_tree(tree),
      m_reader(reader)
  {
  }
  Result<std::vector<Hash>>
  read_hashes(const std::vector<std::int64_t>& indexes) override;

private:
  Tree m_tree;
  TileReader& m_reader;
};

} // namespace gpx::gomod::tlog
