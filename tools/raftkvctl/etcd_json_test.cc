// The JSON must equal etcdctl 3.4's byte for byte; the expected strings are what Go's
// encoding/json writes for the same gogoproto structs.
#include "tools/raftkvctl/etcd_json.h"

#include <gtest/gtest.h>

#include "tools/raftkvctl/etcdctl_json.h"
#include "tools/raftkvctl/go_json.h"

namespace raftkv::ctl {
namespace {

std::string Marshal(const google::protobuf::Message& message) {
  return GoJsonMarshal(ToEtcdJson(message));
}

etcdserverpb::ResponseHeader Header() {
  etcdserverpb::ResponseHeader header;
  header.set_cluster_id(14841639068965178418ULL);  // above 2^63: must not turn negative
  header.set_member_id(10276657743932975437ULL);
  header.set_revision(2);
  header.set_raft_term(2);
  return header;
}

constexpr char kHeader[] =
    R"("cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":2,)"
    R"("raft_term":2)";

std::string HeaderObject() { return std::string("{") + kHeader + "}"; }

TEST(EtcdJsonTest, PutResponseIsTheHeaderWithNumbersNotStrings) {
  etcdserverpb::PutResponse response;
  *response.mutable_header() = Header();
  EXPECT_EQ(Marshal(response), R"({"header":)" + HeaderObject() + "}");
}

TEST(EtcdJsonTest, RangeResponseBase64AndOmittedZeroes) {
  etcdserverpb::RangeResponse response;
  *response.mutable_header() = Header();
  mvccpb::KeyValue* kv = response.add_kvs();
  kv->set_key("a");
  kv->set_create_revision(2);
  kv->set_mod_revision(2);
  kv->set_version(1);
  kv->set_value("1");
  response.set_count(1);
  EXPECT_EQ(Marshal(response), R"({"header":)" + HeaderObject() +
                                   R"(,"kvs":[{"key":"YQ==","create_revision":2,"mod_revision":2,)"
                                   R"("version":1,"value":"MQ=="}],"count":1})");
}

TEST(EtcdJsonTest, EmptyMessageAndCountOnly) {
  EXPECT_EQ(Marshal(etcdserverpb::RangeResponse()), "{}");
  etcdserverpb::RangeResponse count_only;
  count_only.set_count(3);
  count_only.set_more(true);
  EXPECT_EQ(Marshal(count_only), R"({"more":true,"count":3})");
  // A set but empty message is present, unlike an unset one.
  etcdserverpb::PutResponse empty_header;
  empty_header.mutable_header();
  EXPECT_EQ(Marshal(empty_header), R"({"header":{}})");
}

TEST(EtcdJsonTest, EnumsAreNumbersAndZeroEnumIsOmitted) {
  mvccpb::Event event;
  event.set_type(mvccpb::Event::DELETE);
  event.mutable_kv()->set_key("a");
  event.mutable_kv()->set_mod_revision(3);
  EXPECT_EQ(Marshal(event), R"({"type":1,"kv":{"key":"YQ==","mod_revision":3}})");
  event.set_type(mvccpb::Event::PUT);
  EXPECT_EQ(Marshal(event), R"({"kv":{"key":"YQ==","mod_revision":3}})");
}

TEST(EtcdJsonTest, NegativeInt64StaysANumber) {
  etcdserverpb::LeaseTimeToLiveResponse response;
  response.set_ttl(-1);
  response.set_id(-5);
  EXPECT_EQ(Marshal(response), R"({"ID":-5,"TTL":-1})");
}

TEST(EtcdJsonTest, MemberListRepeatedStringsAndMessages) {
  etcdserverpb::MemberListResponse response;
  *response.mutable_header() = Header();
  etcdserverpb::Member* member = response.add_members();
  member->set_id(10276657743932975437ULL);
  member->set_name("default");
  member->add_peerurls("http://localhost:2380");
  member->add_clienturls("http://127.0.0.1:23790");
  etcdserverpb::Member* learner = response.add_members();
  learner->set_id(1);
  learner->add_peerurls("http://b:2380");
  learner->set_islearner(true);
  EXPECT_EQ(Marshal(response),
            R"({"header":)" + HeaderObject() +
                R"(,"members":[{"ID":10276657743932975437,"name":"default",)"
                R"("peerURLs":["http://localhost:2380"],"clientURLs":["http://127.0.0.1:23790"]},)"
                R"({"ID":1,"peerURLs":["http://b:2380"],"isLearner":true}]})");
}

TEST(EtcdJsonTest, TxnOneofIsGoWrapperStruct) {
  etcdserverpb::TxnResponse response;
  response.set_succeeded(true);
  response.add_responses()->mutable_response_put()->mutable_header()->set_revision(4);
  response.add_responses()->mutable_response_delete_range()->set_deleted(2);
  response.add_responses();  // nothing set: Go's nil interface
  EXPECT_EQ(
      Marshal(response),
      R"({"succeeded":true,"responses":[{"Response":{"ResponsePut":{"header":{"revision":4}}}},)"
      R"({"Response":{"ResponseDeleteRange":{"deleted":2}}},{"Response":null}]})");
}

TEST(EtcdJsonTest, StatusResponseUsesProtoFieldNames) {
  etcdserverpb::StatusResponse status;
  status.set_version("3.4.23");
  status.set_dbsize(20480);
  status.set_leader(10276657743932975437ULL);
  status.set_raftindex(7);
  status.set_raftterm(2);
  status.set_raftappliedindex(7);
  status.set_dbsizeinuse(16384);
  EXPECT_EQ(GoJsonMarshal(EndpointStatusJson("127.0.0.1:23790", status)),
            R"({"Endpoint":"127.0.0.1:23790","Status":{"version":"3.4.23","dbSize":20480,)"
            R"("leader":10276657743932975437,"raftIndex":7,"raftTerm":2,"raftAppliedIndex":7,)"
            R"("dbSizeInUse":16384}})");
}

TEST(EtcdctlJsonTest, LeaseGrantInlinesTheHeader) {
  etcdserverpb::LeaseGrantResponse response;
  *response.mutable_header() = Header();
  response.set_id(7587899107770032135);
  response.set_ttl(60);
  EXPECT_EQ(GoJsonMarshal(LeaseGrantJson(response)),
            std::string("{") + kHeader + R"(,"ID":7587899107770032135,"TTL":60,"Error":""})");
  // Without a header only the wrapper's own fields remain, zeroes included (no omitempty).
  EXPECT_EQ(GoJsonMarshal(LeaseGrantJson(etcdserverpb::LeaseGrantResponse())),
            R"({"ID":0,"TTL":0,"Error":""})");
}

TEST(EtcdctlJsonTest, LeaseKeepAliveTimeToLiveAndList) {
  etcdserverpb::LeaseKeepAliveResponse keep_alive;
  keep_alive.set_id(5);
  keep_alive.set_ttl(30);
  EXPECT_EQ(GoJsonMarshal(LeaseKeepAliveJson(keep_alive)), R"({"ID":5,"TTL":30})");

  etcdserverpb::LeaseTimeToLiveResponse ttl;
  ttl.set_id(5);
  ttl.set_ttl(29);
  ttl.set_grantedttl(30);
  EXPECT_EQ(GoJsonMarshal(LeaseTimeToLiveJson(ttl)),
            R"({"id":5,"ttl":29,"granted-ttl":30,"keys":null})");
  ttl.add_keys("a");
  ttl.add_keys("");
  EXPECT_EQ(GoJsonMarshal(LeaseTimeToLiveJson(ttl)),
            R"({"id":5,"ttl":29,"granted-ttl":30,"keys":["YQ==",""]})");

  etcdserverpb::LeaseLeasesResponse leases;
  EXPECT_EQ(GoJsonMarshal(LeaseLeasesJson(leases)), R"({"leases":[]})");
  leases.add_leases()->set_id(5);
  EXPECT_EQ(GoJsonMarshal(LeaseLeasesJson(leases)), R"({"leases":[{"id":5}]})");
}

TEST(EtcdctlJsonTest, WatchResponseShape) {
  WatchJsonInput response;
  response.header = Header();
  response.header.set_revision(3);
  mvccpb::Event event;
  event.set_type(mvccpb::Event::DELETE);
  event.mutable_kv()->set_key("a");
  event.mutable_kv()->set_mod_revision(3);
  response.events.push_back(event);
  EXPECT_EQ(GoJsonMarshal(WatchJson(response)),
            R"({"Header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,)"
            R"("revision":3,"raft_term":2},"Events":[{"type":1,"kv":{"key":"YQ==",)"
            R"("mod_revision":3}}],"CompactRevision":0,"Canceled":false,"Created":false})");
  WatchJsonInput canceled;
  canceled.compact_revision = 9;
  canceled.canceled = true;
  EXPECT_EQ(GoJsonMarshal(WatchJson(canceled)),
            R"({"Header":{},"Events":[],"CompactRevision":9,"Canceled":true,"Created":false})");
}

TEST(EtcdctlJsonTest, EndpointHealth) {
  EXPECT_EQ(GoJsonMarshal(EndpointHealthJson("a:1", true, 2263574, "")),
            R"({"endpoint":"a:1","health":true,"took":"2.263574ms"})");
  EXPECT_EQ(GoJsonMarshal(EndpointHealthJson("a:1", false, -1, "context deadline exceeded")),
            R"({"endpoint":"a:1","health":false,"took":"","error":"context deadline exceeded"})");
}

TEST(GoJsonTest, StringEscapingFollowsGo) {
  EXPECT_EQ(GoJsonMarshal(GoJson("a\"b\\c\n\r\t")), R"("a\"b\\c\n\r\t")");
  EXPECT_EQ(GoJsonMarshal(GoJson("<a&b>")), R"("\u003ca\u0026b\u003e")");
  EXPECT_EQ(GoJsonMarshal(GoJson(std::string("\x01\b\f\x1f\x7f", 5))),
            "\"\\u0001\\u0008\\u000c\\u001f\x7f\"");
  // Valid UTF-8 passes through; invalid bytes become U+FFFD escapes; U+2028/9 are escaped.
  EXPECT_EQ(GoJsonMarshal(GoJson("h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")),
            "\"h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(GoJsonMarshal(GoJson("\xFF\xC3x\xC0\x80\xED\xA0\x80")),
            R"("\ufffd\ufffdx\ufffd\ufffd\ufffd\ufffd\ufffd")");
  EXPECT_EQ(GoJsonMarshal(GoJson("\xE2\x80\xA8\xE2\x80\xA9")), R"("\u2028\u2029")");
}

TEST(GoJsonTest, ObjectsKeepInsertionOrderAndNumbersStayExact) {
  GoJson object = GoJson::object();
  object["z"] = uint64_t{18446744073709551615ULL};
  object["a"] = int64_t{-9223372036854775807LL - 1};
  object["m"] = nullptr;
  object["b"] = false;
  EXPECT_EQ(GoJsonMarshal(object),
            R"({"z":18446744073709551615,"a":-9223372036854775808,"m":null,"b":false})");
}

TEST(GoJsonTest, DurationStringLikeGo) {
  EXPECT_EQ(GoDurationString(0), "0s");
  EXPECT_EQ(GoDurationString(999), "999ns");
  EXPECT_EQ(GoDurationString(1500), "1.5\xC2\xB5s");
  EXPECT_EQ(GoDurationString(2000000), "2ms");
  EXPECT_EQ(GoDurationString(2263574), "2.263574ms");
  EXPECT_EQ(GoDurationString(1500000000), "1.5s");
  EXPECT_EQ(GoDurationString(61000000000), "1m1s");
  EXPECT_EQ(GoDurationString(3723000000001), "1h2m3.000000001s");
  EXPECT_EQ(GoDurationString(-1000), "-1\xC2\xB5s");
}

TEST(GoCamelCaseTest, ProtocGenGoNames) {
  EXPECT_EQ(GoCamelCase("response_delete_range"), "ResponseDeleteRange");
  EXPECT_EQ(GoCamelCase("response"), "Response");
}

}  // namespace
}  // namespace raftkv::ctl
