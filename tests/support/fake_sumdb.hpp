#pragma once

// A checksum database in memory, built with gomod's own tlog and note code:
// records of module versions, the Merkle tree over them, signed tree heads,
// lookup answers and tiles, as a real database serves them. Unit tests put
// its answers into a fake upstream, and tamper with them.

#include <gomod/sumdb_note.hpp>
#include <gomod/sumdb_tile.hpp>
#include <gomod/sumdb_tlog.hpp>

#include <map>
#include <string>
#include <vector>

namespace gpx::test {

class FakeSumdb final : public gomod::tlog::HashReader
{
public:
  explicit FakeSumdb(std::string name)
    : m_name(std::move(name))
  {
    auto [skey, vkey] = gomod::note::generate_key(m_name);
    m_signer = gomod::note::parse_signer(skey).value();
    m_vkey = vkey;
  }

  const std::string&
  name() const
  {
    return m_name;
  }
  // "name+hash+key", for the sumdb setting.
  const std::string&
  verifier_key() const
  {
    return m_vkey;
  }

  // Adds the record of path@version; returns its number.
  std::int64_t
  add(const std::string& path,
      const std::string& version,
      const std::string& zip_h1,
      const std::string& mod_h1)
  {
    std::string text = path + " " + version + " " + zip_h1 + "\n" + path + " "
                       + version + "/go.mod " + mod_h1 + "\n";
    auto n = static_cast<std::int64_t>(m_records.size());
    auto hs = gomod::tlog::stored_hashes(n, text, *this).value();
    m_hashes.insert(m_hashes.end(), hs.begin(), hs.end());
    m_records.push_back(text);
    m_ids[path + "@" + version] = n;
    return n;
  }

  gomod::tlog::Tree
  tree()
  {
    auto n = static_cast<std::int64_t>(m_records.size());
    return {n, gomod::tlog::tree_hash(n, *this).value()};
  }

  std::string
  sign_tree(const gomod::tlog::Tree& t, const gomod::note::Signer& by) const
  {
    return gomod::note::sign(gomod::tlog::format_tree(t), {by}).value();
  }
  std::string
  signed_tree()
  {
    return sign_tree(tree(), m_signer);
  }
  const gomod::note::Signer&
  signer() const
  {
    return m_signer;
  }

  std::string
  lookup(const std::string& path, const std::string& version)
  {
    auto id = m_ids.at(path + "@" + version);
    return gomod::tlog::format_record(id,
                                      m_records[static_cast<std::size_t>(id)])
             .value()
           + signed_tree();
  }

  // Every tile of the current tree: path → data.
  std::map<std::string, std::string>
  tiles()
  {
    std::map<std::string, std::string> out;
    for (const auto& t : gomod::tlog::new_tiles(
           8, 0, static_cast<std::int64_t>(m_records.size()))) {
      out[t.path()] = gomod::tlog::read_tile_data(t, *this).value();
    }
    return out;
  }

  Result<std::vector<gomod::tlog::Hash>>
  read_hashes(const std::vector<std::int64_t>& indexes) override
  {
    std::vector<gomod::tlog::Hash> out;
    for (auto i : indexes) {
      if (i < 0 || i >= static_cast<std::int64_t>(m_hashes.size())) {
        return make_error(Error::Code::not_found, "no such hash");
      }
      out.push_back(m_hashes[static_cast<std::size_t>(i)]);
    }
    return out;
  }

private:
  std::string m_name;
  gomod::note::Signer m_signer;
  std::string m_vkey;
  std::vector<gomod::tlog::Hash> m_hashes;
  std::vector<std::string> m_records;
  std::map<std::string, std::int64_t> m_ids;
};

} // namespace gpx::test
