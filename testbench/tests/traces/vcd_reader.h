// A small VCD reader for the tracing tests: signal names with their scopes, and each signal's value changes.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace nicsim::test {

struct VcdChange {
    uint64_t time = 0;     ///< in the file's timescale units
    uint64_t value = 0;    ///< binary value (x/z bits read as 0)
    bool unknown = false;  ///< the value had x or z bits
    uint64_t xz = 0;       ///< which of the value's bits were x or z
};

class VcdReader {
  public:
    /// Reads the whole file; ok() is false when it cannot be opened or has no $enddefinitions.
    explicit VcdReader(const std::string& path) {
        std::ifstream in(path);
        if (!in) return;
        std::vector<std::string> scope;
        std::map<std::string, std::vector<std::string>> names_of;  // id -> full names (one id may carry several)
        std::string tok;
        uint64_t now = 0;
        bool defs = true;
        while (in >> tok) {
            if (defs) {
                if (tok == "$scope") {
                    std::string kind, name;
                    in >> kind >> name;
                    scope.push_back(name);
                } else if (tok == "$upscope") {
                    if (!scope.empty()) scope.pop_back();
                } else if (tok == "$var") {
                    std::string type, width, id, ref, rest;
                    in >> type >> width >> id >> ref;
                    std::string full;
                    for (const std::string& s : scope) full += s + ".";
                    full += ref;
                    names_of[id].push_back(full);
                    m_width[full] = static_cast<unsigned>(std::stoul(width));
                } else if (tok == "$enddefinitions") {
                    defs = false;
                    m_ok = true;
                    for (auto& [id, names] : names_of) m_ids[id] = names;
                }
                continue;
            }
            if (tok[0] == '#') {
                now = std::stoull(tok.substr(1));
            } else if (tok[0] == 'b' || tok[0] == 'B') {
                std::string id;
                in >> id;
                add(id, now, tok.substr(1));
            } else if (tok[0] == 'r' || tok[0] == 'R') {
                std::string id;
                in >> id;
            } else if (tok[0] == '0' || tok[0] == '1' || tok[0] == 'x' || tok[0] == 'z' || tok[0] == 'X' ||
                       tok[0] == 'Z') {
                add(tok.substr(1), now, tok.substr(0, 1));
            }
        }
    }

    bool ok() const { return m_ok; }
    bool has(const std::string& name) const { return m_width.count(name) != 0; }
    unsigned width(const std::string& name) const {
        const auto it = m_width.find(name);
        return it == m_width.end() ? 0 : it->second;
    }
    /// Every full signal name ("SystemC.nic.dma.state"), sorted.
    std::vector<std::string> names() const {
        std::vector<std::string> v;
        for (const auto& [n, w] : m_width) v.push_back(n);
        return v;
    }
    /// The value changes of one signal in time order (empty when unknown).
    const std::vector<VcdChange>& changes(const std::string& name) const {
        static const std::vector<VcdChange> none;
        const auto it = m_changes.find(name);
        return it == m_changes.end() ? none : it->second;
    }
    /// The successive distinct values of a signal (consecutive repeats folded).
    std::vector<uint64_t> sequence(const std::string& name) const {
        std::vector<uint64_t> v;
        for (const VcdChange& c : changes(name))
            if (v.empty() || v.back() != c.value) v.push_back(c.value);
        return v;
    }
    /// The value at time t (the last change at or before t).
    uint64_t value_at(const std::string& name, uint64_t t) const {
        uint64_t v = 0;
        for (const VcdChange& c : changes(name)) {
            if (c.time > t) break;
            v = c.value;
        }
        return v;
    }

  private:
    void add(const std::string& id, uint64_t t, const std::string& bits) {
        const auto it = m_ids.find(id);
        if (it == m_ids.end()) return;
        VcdChange c;
        c.time = t;
        for (char b : bits) {
            c.value = (c.value << 1) | (b == '1' ? 1u : 0u);
            c.xz = (c.xz << 1) | (b != '0' && b != '1' ? 1u : 0u);
            if (b != '0' && b != '1') c.unknown = true;
        }
        for (const std::string& n : it->second) m_changes[n].push_back(c);
    }

    bool m_ok = false;
    std::map<std::string, std::vector<std::string>> m_ids;
    std::map<std::string, unsigned> m_width;
    std::map<std::string, std::vector<VcdChange>> m_changes;
};

}  // namespace nicsim::test
