//! The `record!` macro that declares each record type.

/// Declares a record type: its shared fields sit in `meta` in Rust and at the top level
/// of its JSON. It is encoded with serde's `flatten`, and decoded through a twin of the
/// same name declared inside `deserialize`, holding every field at the top level:
/// `flatten` buffers each record's fields before reading them (a third slower to
/// decode). The twin's name is the record's, so a decoding error names the record.
macro_rules! record {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $( $(#[$fattr:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        pub struct $name {
            #[serde(flatten)]
            pub meta: Meta,
            $( $(#[$fattr])* pub $field: $ty, )*
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                struct $name {
                    id: Id,
                    #[serde(deserialize_with = "crate::model::stamp::deserialize")]
                    created: DateTime<Utc>,
                    #[serde(deserialize_with = "crate::model::stamp::deserialize")]
                    updated: DateTime<Utc>,
                    by: String,
                    #[serde(default)]
                    tags: Vec<String>,
                    $( $(#[$fattr])* $field: $ty, )*
                }
                let w = $name::deserialize(d)?;
                Ok(Self {
                    meta: Meta {
                        id: w.id,
                        created: w.created,
                        updated: w.updated,
                        by: w.by,
                        tags: w.tags,
                    },
                    $( $field: w.$field, )*
                })
            }
        }
    };
}
