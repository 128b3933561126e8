#include "tools/raftkvctl/etcd_json.h"

#include <cctype>

#include "absl/strings/escaping.h"

namespace raftkv::ctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One value of `field`: the singular value, or element `index` of a repeated field.
GoJson FieldValue(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return repeated ? reflection.GetRepeatedInt32(message, field, index)
                      : reflection.GetInt32(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
      return repeated ? reflection.GetRepeatedInt64(message, field, index)
                      : reflection.GetInt64(message, field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return repeated ? reflection.GetRepeatedUInt32(message, field, index)
                      : reflection.GetUInt32(message, field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return repeated ? reflection.GetRepeatedUInt64(message, field, index)
                      : reflection.GetUInt64(message, field);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return repeated ? reflection.GetRepeatedDouble(message, field, index)
                      : reflection.GetDouble(message, field);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return repeated ? reflection.GetRepeatedFloat(message, field, index)
                      : reflection.GetFloat(message, field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return repeated ? reflection.GetRepeatedBool(message, field, index)
                      : reflection.GetBool(message, field);
    case FieldDescriptor::CPPTYPE_ENUM:  // Go enums are int32s without a MarshalJSON
      return repeated ? reflection.GetRepeatedEnumValue(message, field, index)
                      : reflection.GetEnumValue(message, field);
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text = repeated ? reflection.GetRepeatedString(message, field, index)
                                  : reflection.GetString(message, field);
      // Go marshals []byte as base64.
      if (field->type() == FieldDescriptor::TYPE_BYTES) return absl::Base64Escape(text);
      return text;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return ToEtcdJson(repeated ? reflection.GetRepeatedMessage(message, field, index)
                                 : reflection.GetMessage(message, field));
  }
  return nullptr;
}

// Go's omitempty: false, 0, "" and empty byte slices are left out.
bool IsZero(const GoJson& value) {
  if (value.is_boolean()) return !value.get<bool>();
  if (value.is_number_unsigned()) return value.get<uint64_t>() == 0;
  if (value.is_number_integer()) return value.get<int64_t>() == 0;
  if (value.is_number_float()) return value.get<double>() == 0;
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  return false;
}

// The Go field of a oneof holds a wrapper struct whose single field is the set member.
GoJson OneofValue(const Message& message, const google::protobuf::OneofDescriptor* oneof) {
  const FieldDescriptor* set = message.GetReflection()->GetOneofFieldDescriptor(message, oneof);
  if (set == nullptr) return nullptr;
  GoJson wrapper = GoJson::object();
  wrapper[GoCamelCase(set->name())] = FieldValue(message, set, -1);
  return wrapper;
}

}  // namespace

std::string GoCamelCase(const std::string& proto_name) {
  std::string name;
  bool upper_next = true;
  for (char c : proto_name) {
    if (c == '_') {
      upper_next = true;
      continue;
    }
    name += upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper_next = false;
  }
  return name;
}

GoJson ToEtcdJson(const Message& message) {
  GoJson object = GoJson::object();
  const google::protobuf::Descriptor& descriptor = *message.GetDescriptor();
  const Reflection& reflection = *message.GetReflection();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor* field = descriptor.field(i);
    if (const auto* oneof = field->real_containing_oneof()) {
      // The oneof's Go field sits where its first member is declared.
      if (oneof->field(0) == field) object[GoCamelCase(oneof->name())] = OneofValue(message, oneof);
      continue;
    }
    if (field->is_repeated()) {
      const int size = reflection.FieldSize(message, field);
      if (size == 0) continue;
      GoJson values = GoJson::array();
      for (int index = 0; index < size; ++index)
        values.push_back(FieldValue(message, field, index));
      object[field->name()] = std::move(values);
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (reflection.HasField(message, field))
        object[field->name()] = FieldValue(message, field, -1);
      continue;
    }
    GoJson value = FieldValue(message, field, -1);
    if (!IsZero(value)) object[field->name()] = std::move(value);
  }
  return object;
}

}  // namespace raftkv::ctl
