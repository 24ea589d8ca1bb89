#include "testbench/sweep/sweep_plan.h"

#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nicsim::sweep {

std::string hash_strings(const std::vector<std::string>& parts) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const std::string& s : parts) {
        for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
        h = (h ^ 0) * 0x100000001b3ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string plan_to_json(const SweepPlan& plan) {
    nlohmann::ordered_json j;
    j["sweep"] = plan.name;
    j["hash"] = plan.hash;
    j["varied"] = plan.varied;
    j["metrics"] = plan.metrics;
    j["plot"] = {{"x", plan.plot_x}, {"by", plan.plot_by}, {"y", plan.plot_y}};
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (const SweepPoint& p : plan.points) {
        nlohmann::ordered_json values = nlohmann::ordered_json::object();
        for (const auto& [k, v] : p.values) values[k] = v;
        points.push_back({{"id", p.id},
                          {"index", p.index},
                          {"seed", p.seed},
                          {"values", values},
                          {"args", p.args},
                          {"hash", p.hash}});
    }
    j["points"] = points;
    return j.dump(1) + "\n";
}

SweepPlan plan_from_json(const std::string& text) {
    try {
        const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
        SweepPlan plan;
        plan.name = j.at("sweep").get<std::string>();
        plan.hash = j.at("hash").get<std::string>();
        plan.varied = j.at("varied").get<std::vector<std::string>>();
        plan.metrics = j.at("metrics").get<std::vector<std::string>>();
        plan.plot_x = j.at("plot").at("x").get<std::string>();
        plan.plot_by = j.at("plot").at("by").get<std::string>();
        plan.plot_y = j.at("plot").at("y").get<std::vector<std::string>>();
        for (const auto& pj : j.at("points")) {
            SweepPoint p;
            p.id = pj.at("id").get<std::string>();
            p.index = pj.at("index").get<unsigned>();
            p.seed = pj.at("seed").get<uint64_t>();
            for (const auto& [k, v] : pj.at("values").items()) p.values.emplace_back(k, v.get<std::string>());
            p.args = pj.at("args").get<std::vector<std::string>>();
            p.hash = pj.at("hash").get<std::string>();
            plan.points.push_back(std::move(p));
        }
        return plan;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("not a sweep plan: ") + e.what());
    }
}

}  // namespace nicsim::sweep
