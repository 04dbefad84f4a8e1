; C++: namespaces, classes / structs / unions / enums, functions and methods defined in a
; class or out of it (`Foo::bar` takes Foo as @scope), pure virtual methods, typedefs and
; `using` aliases, calls, base classes, #include.

(namespace_definition name: (namespace_identifier) @name) @definition.namespace
; `namespace a::b::c` nests to the right: a, then (b, then c).
(namespace_definition name: (nested_namespace_specifier
  . (namespace_identifier) @scope . (namespace_identifier) @name .)) @definition.namespace
(namespace_definition name: (nested_namespace_specifier
  . (namespace_identifier) @scope
  (nested_namespace_specifier . (namespace_identifier) @scope . (namespace_identifier) @name .))) @definition.namespace
(namespace_definition name: (nested_namespace_specifier
  . (namespace_identifier) @scope
  (nested_namespace_specifier . (namespace_identifier) @scope
    (nested_namespace_specifier . (namespace_identifier) @scope . (namespace_identifier) @name .)))) @definition.namespace

(class_specifier name: [(type_identifier) @name (template_type name: (type_identifier) @name)] body: (_)) @definition.class
(struct_specifier name: [(type_identifier) @name (template_type name: (type_identifier) @name)] body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.union
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition type: (struct_specifier !name body: (_)) @definition.struct declarator: (type_identifier) @name)
(type_definition type: (union_specifier !name body: (_)) @definition.union declarator: (type_identifier) @name)
(type_definition type: (enum_specifier !name body: (_)) @definition.enum declarator: (type_identifier) @name)
(type_definition
  type: [(primitive_type) (sized_type_specifier) (type_identifier) (qualified_identifier) (template_type)]
  declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type

; The name sits under the declarator, maybe behind pointers / references (the wildcards),
; maybe qualified by classes or namespaces (`int *Foo::bar()`, `Foo<T>::~Foo()`, `Foo::get<int>()`).
; Conversion operators (`operator bool()`) have no name of their own and stay in their class.
(function_definition declarator:
  [(function_declarator declarator: [(identifier) @name (field_identifier) @name (destructor_name) @name
                                     (operator_name) @name (template_function name: (identifier) @name)])
   (function_declarator declarator: (qualified_identifier
     scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
     name: [(identifier) @name (destructor_name) @name (operator_name) @name (template_function name: (identifier) @name)]))
   (function_declarator declarator: (qualified_identifier
     scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
     name: (qualified_identifier
       scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
       name: [(identifier) @name (destructor_name) @name (operator_name) @name (template_function name: (identifier) @name)])))]) @definition.function
(function_definition declarator: (_
  [(function_declarator declarator: [(identifier) @name (field_identifier) @name (destructor_name) @name
                                     (operator_name) @name (template_function name: (identifier) @name)])
   (function_declarator declarator: (qualified_identifier
     scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
     name: [(identifier) @name (destructor_name) @name (operator_name) @name (template_function name: (identifier) @name)]))
   (function_declarator declarator: (qualified_identifier
     scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
     name: (qualified_identifier
       scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
       name: [(identifier) @name (destructor_name) @name (operator_name) @name (template_function name: (identifier) @name)])))])) @definition.function
(function_definition declarator: (_ (_
  [(function_declarator declarator: [(identifier) @name (field_identifier) @name (destructor_name) @name
                                     (operator_name) @name (template_function name: (identifier) @name)])
   (function_declarator declarator: (qualified_identifier
     scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
     name: [(identifier) @name (destructor_name) @name (operator_name) @name (template_function name: (identifier) @name)]))
   (function_declarator declarator: (qualified_identifier
     scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
     name: (qualified_identifier
       scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
       name: [(identifier) @name (destructor_name) @name (operator_name) @name (template_function name: (identifier) @name)])))]))) @definition.function

; `virtual void run() = 0;` declares a method nothing else defines.
(field_declaration
  declarator: (function_declarator declarator: [(field_identifier) (operator_name)] @name)
  default_value: (number_literal)) @definition.function

(call_expression function: [
  (identifier) @call.name
  (field_expression field: (field_identifier) @call.name)
  (field_expression field: (template_method name: (field_identifier) @call.name))
  (field_expression field: (dependent_name (template_method name: (field_identifier) @call.name)))
  (template_function name: (identifier) @call.name)
  (qualified_identifier name: [(identifier) @call.name (template_function name: (identifier) @call.name)])
  (qualified_identifier name: (qualified_identifier name: [(identifier) @call.name
                                                          (template_function name: (identifier) @call.name)]))
  (qualified_identifier name: (qualified_identifier name: (qualified_identifier name: (identifier) @call.name)))
])
(new_expression type: [(type_identifier) @call.name
                       (qualified_identifier name: (type_identifier) @call.name)
                       (template_type name: (type_identifier) @call.name)])

(base_class_clause [
  (type_identifier) @inherit.name
  (template_type name: (type_identifier) @inherit.name)
  (qualified_identifier name: [(type_identifier) @inherit.name (template_type name: (type_identifier) @inherit.name)])
  (qualified_identifier name: (qualified_identifier name: [(type_identifier) @inherit.name
                                                          (template_type name: (type_identifier) @inherit.name)]))
])

(preproc_include path: (_) @import.source)
