//! Customers: the record the desks edit and the IVR and call layer look up,
//! by the code a caller enters or by the calling number, with any number of
//! phone numbers each (`customer_phones`: one number, one customer).
//!
//! Reached through [`Store::customers`]. The 0001 functions in
//! `directory.rs` (`create_customer`, `customer_by_code`, …) read and write
//! the same table through its single `phone` column; until they are gone,
//! every write here keeps `phone` equal to the first number, and the reads
//! here count a `phone` that `customer_phones` lacks as one more number.

use shared::customers::{Customer, CustomerInput, PHONES_MAX, fold_digits, normalize_code, normalize_phone};
use shared::routing::ConfigError;
use sqlx::Row;

use super::routing::WriteError;
use super::{Store, StoreError, is_unique_violation, rfc3339};

/// A customer's fields, checked and normalised ([`CustomerFields::from_input`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerFields {
    /// ASCII digits. None: a fresh random code on create, unchanged on update.
    pub code: Option<String>,
    pub name: Option<String>,
    /// E.164, each once.
    pub phones: Vec<String>,
    pub email: Option<String>,
    /// `en`, `fa`, `ar` or `tr`.
    pub language: String,
    pub vip: bool,
    pub notes: String,
}

const NAME_MAX: usize = 200;
const NOTES_MAX: usize = 10_000;
const EMAIL_MAX: usize = 254;
/// Digits of a generated customer code.
const GENERATED_CODE_DIGITS: u32 = 8;
/// Fresh codes tried before giving up (each collides with a chance of
/// customers / 9·10⁷).
const CODE_ATTEMPTS: usize = 20;

fn bad(key: impl Into<String>, reason: &str) -> ConfigError {
    ConfigError { key: key.into(), reason: reason.to_owned() }
}

impl CustomerFields {
    /// Checks what an API received and normalises it: numbers to E.164,
    /// digits to ASCII, blanks to none. Errors name the key, never the value.
    pub fn from_input(input: &CustomerInput) -> Result<CustomerFields, ConfigError> {
        let code = match &input.code {
            Some(c) => Some(normalize_code(c).ok_or_else(|| bad("code", "must be 1 to 16 digits"))?),
            None => None,
        };
        let name = input.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = name
            && (n.chars().count() > NAME_MAX || n.chars().any(char::is_control))
        {
            return Err(bad("name", "must be at most 200 characters, without control characters"));
        }
        if input.phones.len() > PHONES_MAX {
            return Err(bad("phones", "at most 10 numbers"));
        }
        let mut phones: Vec<String> = Vec::with_capacity(input.phones.len());
        for (i, p) in input.phones.iter().enumerate() {
            let e164 = normalize_phone(p).map_err(|e| bad(format!("phones[{i}]"), e.reason()))?;
            if !phones.contains(&e164) {
                phones.push(e164);
            }
        }
        if name.is_none() && phones.is_empty() {
            return Err(bad("name", "a customer needs a name or a phone number"));
        }
        let email = input.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email
            && !plausible_email(e)
        {
            return Err(bad("email", "is not an e-mail address"));
        }
        let language = match input.language.as_deref() {
            None => "en",
            Some(l) => shared::Lang::parse(l).ok_or_else(|| bad("language", "must be one of en, fa, ar, tr"))?.tag(),
        };
        if input.notes.chars().count() > NOTES_MAX {
            return Err(bad("notes", "must be at most 10000 characters"));
        }
        Ok(CustomerFields {
            code,
            name: name.map(str::to_owned),
            phones,
            email: email.map(str::to_owned),
            language: language.to_owned(),
            vip: input.vip,
            notes: input.notes.clone(),
        })
    }
}

/// One `@` between a local part and a dotted domain, no spaces: enough to
/// catch typing into the wrong field, which is all a form can check.
fn plausible_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else { return false };
    e.len() <= EMAIL_MAX
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The customers, through [`Store::customers`].
#[derive(Clone, Copy)]
pub struct Customers<'a> {
    store: &'a Store,
}

impl Store {
    /// Customers: lookups for the IVR and the call layer, and what the REST
    /// API reads and writes.
    pub fn customers(&self) -> Customers<'_> {
        Customers { store: self }
    }
}

const COLUMNS: &str = "c.id, c.code, c.name, c.phone, c.email, c.language, c.vip, c.notes, c.created_at, c.updated_at";

impl Customers<'_> {
    pub async fn by_id(&self, id: i64) -> Result<Option<Customer>, StoreError> {
        self.one(sqlx::query(&format!("SELECT {COLUMNS} FROM customers c WHERE c.id = $1")).bind(id)).await
    }

    /// The customer whose code a caller entered (ASCII digits).
    pub async fn by_code(&self, code: &str) -> Result<Option<Customer>, StoreError> {
        self.one(sqlx::query(&format!("SELECT {COLUMNS} FROM customers c WHERE c.code = $1")).bind(code)).await
    }

    /// The customer a number (E.164) belongs to.
    pub async fn by_number(&self, e164: &str) -> Result<Option<Customer>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM customers c \
             WHERE c.id IN (SELECT p.customer_id FROM customer_phones p WHERE p.number = $1) OR c.phone = $1 \
             ORDER BY c.id LIMIT 1"
        );
        self.one(sqlx::query(&sql).bind(e164)).await
    }

    /// The customer a query of [`COLUMNS`] finds (at most one row), with
    /// their numbers.
    async fn one<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<Option<Customer>, StoreError> {
        let rows = query.fetch_all(&self.store.pool).await?;
        Ok(self.with_phones(rows).await?.pop())
    }

    /// Up to `limit` customers after id `after_id`, by id, whose name (any
    /// case), code or one of whose numbers contains `q`. Digits in `q` may
    /// be Persian or Arabic-Indic; a number typed with separators, a `+`,
    /// `00` or a national `0` in front still finds the stored E.164.
    pub async fn search(&self, q: &str, after_id: i64, limit: i64) -> Result<Vec<Customer>, StoreError> {
        let q = fold_digits(q.trim());
        let text = format!("%{}%", escape_like(&q));
        let number_like = !q.is_empty()
            && q.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | '(' | ')' | ' '))
            && q.chars().any(|c| c.is_ascii_digit());
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_start_matches('0');
        let number = if number_like && !digits.is_empty() { format!("%{digits}%") } else { text.clone() };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM customers c \
             WHERE c.id > $1 AND (LOWER(c.name) LIKE LOWER($2) ESCAPE '\\' OR c.code LIKE $2 ESCAPE '\\' \
             OR c.phone LIKE $3 ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = c.id AND p.number LIKE $3 ESCAPE '\\')) \
             ORDER BY c.id LIMIT $4"
        ))
        .bind(after_id)
        .bind(&text)
        .bind(&number)
        .bind(limit)
        .fetch_all(&self.store.pool)
        .await?;
        self.with_phones(rows).await
    }

    /// Creates a customer. `Store(Conflict)` when the code or a number is
    /// taken.
    pub async fn create(&self, f: &CustomerFields, now_ms: i64) -> Result<Customer, WriteError> {
        self.check_numbers_free(&f.phones, None).await?;
        let mut attempt = 0;
        let id = loop {
            attempt += 1;
            let code = f.code.clone().unwrap_or_else(fresh_code);
            let mut tx = self.store.pool.begin().await?;
            let r = sqlx::query(
                "INSERT INTO customers (code, name, phone, email, language, vip, notes, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(&code)
            .bind(f.name.as_deref().unwrap_or(""))
            .bind(f.phones.first())
            .bind(f.email.as_deref())
            .bind(&f.language)
            .bind(i64::from(f.vip))
            .bind(&f.notes)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await;
            let id: i64 = match r {
                Ok(row) => row.try_get("id")?,
                // The only unique column is the code: draw another one.
                Err(e) if is_unique_violation(&e) && f.code.is_none() && attempt < CODE_ATTEMPTS => continue,
                Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("customer code").into()),
                Err(e) => return Err(e.into()),
            };
            insert_phones(&mut tx, id, &f.phones).await?;
            tx.commit().await?;
            break id;
        };
        self.by_id(id).await?.ok_or_else(|| StoreError::Corrupt(format!("customer {id} vanished")).into())
    }

    /// Replaces a customer's fields (the code only when `f.code` is set);
    /// None when there is no such customer.
    pub async fn update(&self, id: i64, f: &CustomerFields, now_ms: i64) -> Result<Option<Customer>, WriteError> {
        self.check_numbers_free(&f.phones, Some(id)).await?;
        let mut tx = self.store.pool.begin().await?;
        let r = sqlx::query(
            "UPDATE customers SET code = COALESCE($1, code), name = $2, phone = $3, email = $4, language = $5, \
             vip = $6, notes = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(f.code.as_deref())
        .bind(f.name.as_deref().unwrap_or(""))
        .bind(f.phones.first())
        .bind(f.email.as_deref())
        .bind(&f.language)
        .bind(i64::from(f.vip))
        .bind(&f.notes)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await;
        match r {
            Ok(r) if r.rows_affected() == 0 => return Ok(None),
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("customer code").into()),
            Err(e) => return Err(e.into()),
        }
        sqlx::query("DELETE FROM customer_phones WHERE customer_id = $1").bind(id).execute(&mut *tx).await?;
        insert_phones(&mut tx, id, &f.phones).await?;
        tx.commit().await?;
        Ok(self.by_id(id).await?)
    }

    /// Deletes a customer and their numbers; their interactions stay,
    /// without the customer. False when there is no such customer.
    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM customers WHERE id = $1").bind(id).execute(&self.store.pool).await?;
        Ok(r.rows_affected() == 1)
    }

    /// The customer a calling number belongs to, made on the spot when there
    /// is none: a fresh code, no name, the number. Calling it again with the
    /// same number (in any spelling [`normalize_phone`] accepts) gives the
    /// same customer, also when two calls race. `Invalid` (key `number`)
    /// for what is not a phone number with its country code.
    pub async fn register_unknown_caller(&self, number: &str, now_ms: i64) -> Result<Customer, WriteError> {
        let e164 = normalize_phone(number).map_err(|e| bad("number", e.reason()))?;
        if let Some(c) = self.by_number(&e164).await? {
            return Ok(c);
        }
        let fields = CustomerFields { phones: vec![e164.clone()], language: "en".into(), ..CustomerFields::default() };
        match self.create(&fields, now_ms).await {
            Err(WriteError::Store(StoreError::Conflict(_))) => {
                // Another call registered the number first.
                let c = self.by_number(&e164).await?;
                c.ok_or_else(|| StoreError::Corrupt("a registered number vanished".into()).into())
            }
            other => other,
        }
    }

    /// `Conflict` when one of `numbers` belongs to a customer other than
    /// `owner`. The unique key of `customer_phones` catches the rest; this
    /// also sees the numbers only the old `phone` column has.
    async fn check_numbers_free(&self, numbers: &[String], owner: Option<i64>) -> Result<(), WriteError> {
        for n in numbers {
            if let Some(c) = self.by_number(n).await?
                && Some(c.id) != owner
            {
                return Err(StoreError::Conflict("phone number").into());
            }
        }
        Ok(())
    }

    /// Customers from their rows, with their numbers (one query for all).
    async fn with_phones(&self, rows: Vec<sqlx::any::AnyRow>) -> Result<Vec<Customer>, StoreError> {
        let mut out = rows.iter().map(customer).collect::<Result<Vec<(Customer, Option<String>)>, _>>()?;
        if out.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=out.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT customer_id, number FROM customer_phones WHERE customer_id IN ({}) ORDER BY ordinal, number",
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (c, _) in &out {
            query = query.bind(c.id);
        }
        for row in query.fetch_all(&self.store.pool).await? {
            let id: i64 = row.try_get("customer_id")?;
            if let Some((c, _)) = out.iter_mut().find(|(c, _)| c.id == id) {
                c.phones.push(row.try_get("number")?);
            }
        }
        Ok(out
            .into_iter()
            .map(|(mut c, legacy)| {
                if let Some(p) = legacy.filter(|p| !p.is_empty() && !c.phones.contains(p)) {
                    c.phones.insert(0, p);
                }
                c
            })
            .collect())
    }
}

/// A customer without numbers, and the old `phone` column.
fn customer(row: &sqlx::any::AnyRow) -> Result<(Customer, Option<String>), StoreError> {
    let name: String = row.try_get("name")?;
    let c = Customer {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: (!name.is_empty()).then_some(name),
        phones: Vec::new(),
        email: row.try_get("email")?,
        language: row.try_get("language")?,
        vip: row.try_get::<i64, _>("vip")? != 0,
        notes: row.try_get("notes")?,
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    };
    Ok((c, row.try_get("phone")?))
}

async fn insert_phones(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    customer_id: i64,
    phones: &[String],
) -> Result<(), WriteError> {
    for (i, number) in phones.iter().enumerate() {
        let r = sqlx::query("INSERT INTO customer_phones (number, customer_id, ordinal) VALUES ($1, $2, $3)")
            .bind(number)
            .bind(customer_id)
            .bind(i as i64)
            .execute(&mut **tx)
            .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("phone number").into()),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Random digits, the first not 0 (a leading 0 is easy to drop on a keypad).
fn fresh_code() -> String {
    let low = 10_u64.pow(GENERATED_CODE_DIGITS - 1);
    rand::random_range(low..low * 10).to_string()
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
