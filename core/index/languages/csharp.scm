; C#: classes, records (kind class; `record struct` is a struct), structs, interfaces, enums;
; methods, constructors (kind method), local functions, properties with code (kind method);
; invocations and `new T()`; base types; using directives. Namespaces are not symbols.

(class_declaration name: (identifier) @name) @definition.class
; The first pattern matching a node sets its kind: `record struct` before `record`.
(record_declaration "struct" name: (identifier) @name) @definition.struct
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
(local_function_statement name: (identifier) @name) @definition.function
; Only properties that hold code: an accessor body or `=> expr` (auto-properties are data).
(property_declaration name: (identifier) @name
  accessors: (accessor_list (accessor_declaration body: (_)))) @definition.method
(property_declaration name: (identifier) @name value: (arrow_expression_clause)) @definition.method

(invocation_expression function: [(identifier) @call.name
                                  (generic_name (identifier) @call.name)
                                  (member_access_expression name: [(identifier) @call.name
                                                                   (generic_name (identifier) @call.name)])
                                  (conditional_access_expression
                                    (member_binding_expression name: [(identifier) @call.name
                                                                      (generic_name (identifier) @call.name)]))])
(object_creation_expression type: [(identifier) @call.name
                                   (generic_name (identifier) @call.name)
                                   (qualified_name name: [(identifier) @call.name
                                                          (generic_name (identifier) @call.name)])])

; A base type's last simple name: Base, A.Base, Base<T>, A.Base<T>, `record R(..) : Base(..)`.
(base_list [(identifier) @inherit.name
            (generic_name (identifier) @inherit.name)
            (qualified_name name: [(identifier) @inherit.name (generic_name (identifier) @inherit.name)])
            (primary_constructor_base_type type: [(identifier) @inherit.name
                                                  (generic_name (identifier) @inherit.name)
                                                  (qualified_name name: [(identifier) @inherit.name
                                                                         (generic_name (identifier) @inherit.name)])])])

; `using A.B;` and `using static A.B.C;` bind nothing by name; `using X = A.B;` binds X.
(using_directive !name [(identifier) (qualified_name)] @import.source)
(using_directive name: (identifier) @import.name [(identifier) (qualified_name)] @import.source)
