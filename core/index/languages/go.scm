; Go: functions, methods (receiver type as @scope), struct / interface / other named types,
; interface method specs, calls, embedded types, imports.

(function_declaration name: (identifier) @name) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [(type_identifier) @scope
             (pointer_type (type_identifier) @scope)
             (generic_type type: (type_identifier) @scope)
             (pointer_type (generic_type type: (type_identifier) @scope))]))
  name: (field_identifier) @name) @definition.function

(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name type: [(type_identifier) (qualified_type) (generic_type)
                                                (pointer_type) (slice_type) (array_type) (map_type)
                                                (channel_type) (function_type)]) @definition.type
(type_alias name: (type_identifier) @name) @definition.type

(interface_type (method_elem name: (field_identifier) @name) @definition.method)

(call_expression function: (identifier) @call.name)
(call_expression function: (selector_expression field: (field_identifier) @call.name))
; Explicitly instantiated generic calls parse as conversions: `Map[int](xs)`.
(type_conversion_expression type: (generic_type type: [(type_identifier) @call.name
                                                       (qualified_type name: (type_identifier) @call.name)]))

; Embedded types: a struct field without a name, an interface element naming one type.
(field_declaration_list
  (field_declaration
    !name
    type: [(type_identifier) @inherit.name
           (pointer_type (type_identifier) @inherit.name)
           (qualified_type name: (type_identifier) @inherit.name)
           (pointer_type (qualified_type name: (type_identifier) @inherit.name))
           (generic_type type: (type_identifier) @inherit.name)
           (pointer_type (generic_type type: (type_identifier) @inherit.name))]))
(interface_type (type_elem . [(type_identifier) @inherit.name
                              (qualified_type name: (type_identifier) @inherit.name)] .))

(import_spec name: (package_identifier) @import.name path: (_) @import.source)
(import_spec path: (_) @import.source)
