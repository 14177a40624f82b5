//! The pages' words, in Bahasa Indonesia first and English second. One table, checked by the
//! compiler: a page names a string by its key, and every key has both languages.

use crate::auth::Role;

/// The language a page is shown in. Indonesian unless the reader chose English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The code the domain's `label(lang)` functions and `format::date` take.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The other language: what the switch link offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// The language's name in itself, for the switch link.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Id => "Bahasa Indonesia",
            Lang::En => "English",
        }
    }

    pub fn t(self, s: S) -> &'static str {
        s.get(self)
    }

    /// Picks between an Indonesian and an English text held elsewhere (messages stored with
    /// the data, such as import report lines).
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    pub fn role(self, r: Role) -> &'static str {
        self.t(match r {
            Role::Admin => S::RoleAdmin,
            Role::Officer => S::RoleOfficer,
            Role::Proposer => S::RoleProposer,
            Role::Donor => S::RoleDonor,
            Role::Viewer => S::RoleViewer,
        })
    }
}

macro_rules! strings {
    ($($key:ident => $id:literal, $en:literal;)*) => {
        /// A key of the string table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum S { $($key),* }

        impl S {
            pub const ALL: &'static [S] = &[$(S::$key),*];

            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((S::$key, Lang::Id) => $id, (S::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

strings! {
    AppName => "Lingkaran", "Lingkaran";
    Tagline => "Perlindungan JKK dan JKM bagi pekerja rentan", "JKK and JKM protection for vulnerable workers";
    SkipToContent => "Langsung ke isi", "Skip to content";
    LanguageSwitch => "Bahasa", "Language";
    MainMenu => "Menu utama", "Main menu";
    NavHome => "Beranda", "Home";
    NavUpload => "Unggah daftar", "Upload a list";
    NavQueue => "Antrian verifikasi", "Verification queue";
    SignIn => "Masuk", "Sign in";
    SignOut => "Keluar", "Sign out";
    SignedInAs => "Masuk sebagai", "Signed in as";
    Username => "Nama pengguna", "Username";
    Password => "Kata sandi", "Password";
    SignInIntro => "Masuk dengan akun yang diberikan pengelola Lingkaran.", "Sign in with the account your Lingkaran administrator gave you.";
    WrongCredentials => "Nama pengguna atau kata sandi salah. Periksa keduanya lalu coba lagi.", "The username or password is wrong. Check both and try again.";
    SignedOut => "Anda sudah keluar.", "You are signed out.";
    RoleAdmin => "Administrator", "Administrator";
    RoleOfficer => "Petugas BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan officer";
    RoleProposer => "Pengusul", "Proposer";
    RoleDonor => "Donatur", "Donor";
    RoleViewer => "Pemantau (pemerintah daerah)", "Viewer (local government)";
    HomeTitle => "Beranda", "Home";
    Welcome => "Selamat datang", "Welcome";
    YourRole => "Peran", "Role";
    YourScope => "Wilayah kerja", "Working area";
    YourOrganisation => "Lembaga", "Organisation";
    AllRegions => "Semua wilayah", "All regions";
    NoScope => "Belum ada wilayah", "No region yet";
    WhatNext => "Yang bisa Anda lakukan", "What you can do";
    HomeProposer => "Unggah daftar pekerja rentan dari desa atau lembaga Anda, lalu periksa laporannya.", "Upload a list of vulnerable workers from your village or organisation, then check its report.";
    HomeOfficer => "Periksa pekerja yang diusulkan di wilayah Anda, lalu verifikasi atau tolak.", "Check the workers proposed in your region, then verify or reject them.";
    HomeOther => "Halaman untuk peran Anda belum tersedia di sini; gunakan API.", "Pages for your role are not here yet; use the API.";
    ForbiddenTitle => "Tidak diizinkan", "Not allowed";
    Forbidden => "Peran atau wilayah Anda tidak mengizinkan halaman ini.", "Your role or region does not allow this page.";
    CsrfTitle => "Permintaan ditolak", "Request refused";
    Csrf => "Formulir ini sudah kedaluwarsa atau tidak berasal dari halaman ini. Muat ulang halaman lalu kirim lagi.", "This form has expired or did not come from this page. Reload the page and send it again.";
    NotFoundTitle => "Tidak ditemukan", "Not found";
    NotFound => "Halaman atau data yang Anda cari tidak ada, atau bukan wewenang Anda.", "The page or record you are looking for does not exist, or is not yours to see.";
    ErrorTitle => "Terjadi kesalahan", "Something went wrong";
    BackHome => "Kembali ke beranda", "Back to the home page";
    UploadTitle => "Unggah daftar pekerja", "Upload a list of workers";
    UploadIntro => "Unggah berkas CSV atau XLSX berisi satu pekerja per baris. Baris yang bermasalah tidak disimpan dan dicantumkan di laporan; baris lain tetap disimpan.", "Upload a CSV or XLSX file with one worker per row. Rows with problems are not stored and are listed in the report; the other rows are stored.";
    UploadFile => "Berkas daftar (CSV atau XLSX)", "List file (CSV or XLSX)";
    UploadButton => "Unggah", "Upload";
    UploadFailed => "Berkas tidak dapat diimpor", "The file could not be imported";
    Headers => "Judul kolom yang dikenali", "Recognised column headers";
    HeadersIntro => "Baris pertama berkas harus berisi judul kolom. Kolom nik, nama, kode_desa dan pekerjaan wajib ada; urutan kolom bebas.", "The first row of the file must hold the column headers. The columns nik, nama, kode_desa and pekerjaan are required; any order will do.";
    ColumnHeader => "Judul kolom", "Header";
    ColumnEnglish => "Dalam bahasa Inggris", "In English";
    ColumnAlso => "Juga diterima", "Also accepted";
    Required => "wajib", "required";
    SampleLink => "Unduh contoh berkas (CSV)", "Download a sample file (CSV)";
    RecentImports => "Unggahan terakhir", "Recent uploads";
    NoImports => "Belum ada unggahan.", "No uploads yet.";
    FileName => "Berkas", "File";
    Date => "Tanggal", "Date";
    Status => "Status", "Status";
    ImportDone => "Selesai", "Done";
    ImportFailed => "Gagal", "Failed";
    ImportRunning => "Sedang diproses", "In progress";
    ReportTitle => "Laporan unggahan", "Upload report";
    AlreadyImported => "Berkas yang sama persis sudah pernah diunggah; tidak ada yang disimpan lagi. Ini laporan unggahan sebelumnya.", "This exact file was uploaded before; nothing new was stored. This is the earlier upload's report.";
    Rows => "Baris data", "Data rows";
    Accepted => "Diterima", "Accepted";
    Rejected => "Ditolak", "Rejected";
    Duplicates => "NIK ganda", "Duplicate NIKs";
    PossibleDuplicates => "Kemungkinan orang yang sama", "Possibly the same person";
    Notes => "Catatan", "Notes";
    BadRows => "Baris yang ditolak", "Rejected rows";
    BadRowsIntro => "Baris berikut tidak disimpan. Perbaiki lalu unggah lagi hanya baris-baris ini.", "These rows were not stored. Fix them, then upload just these rows again.";
    NoBadRows => "Tidak ada baris yang ditolak.", "No rows were rejected.";
    Warnings => "Perlu diperiksa petugas", "For the officer to check";
    WarningsIntro => "Baris berikut disimpan, tetapi mirip dengan pekerja yang sudah terdaftar (nama, tanggal lahir dan kabupaten sama). Petugas akan memutuskan.", "These rows were stored but resemble a worker already registered (same name, birth date and regency). An officer will decide.";
    Line => "Baris", "Line";
    Column => "Kolom", "Column";
    Value => "Isi", "Value";
    Reason => "Keterangan", "Reason";
    DownloadCsv => "Unduh laporan baris yang ditolak (CSV)", "Download the rejected rows (CSV)";
    ReportTruncated => "Hanya 1.000 baris pertama yang ditampilkan; unduh CSV untuk semuanya.", "Only the first 1,000 lines are shown; download the CSV for all of them.";
    UploadAnother => "Unggah berkas lain", "Upload another file";
    QueueTitle => "Antrian verifikasi", "Verification queue";
    QueueIntro => "Pekerja yang diusulkan di wilayah Anda dan menunggu keputusan.", "Workers proposed in your region, awaiting a decision.";
    Filters => "Saring", "Filter";
    FilterName => "Nama", "Name";
    FilterVillage => "Kode wilayah (desa atau kecamatan)", "Region code (village or district)";
    FilterOccupation => "Pekerjaan", "Occupation";
    FilterProposer => "Pengusul", "Proposer";
    FilterFlag => "Hanya kemungkinan duplikat", "Possible duplicates only";
    Any => "Semua", "Any";
    Apply => "Terapkan", "Apply";
    ClearFilters => "Hapus saringan", "Clear filters";
    Select => "Pilih", "Select";
    SelectWorker => "Pilih", "Select";
    Nik => "NIK", "NIK";
    Name => "Nama", "Name";
    Village => "Desa", "Village";
    Occupation => "Pekerjaan", "Occupation";
    Proposer => "Pengusul", "Proposer";
    Flag => "Tanda", "Flag";
    FlagPossibleDuplicate => "Kemungkinan duplikat", "Possible duplicate";
    ResemblesWorker => "Mirip dengan", "Resembles";
    SamePerson => "Orang yang sama (gabungkan)", "Same person (merge)";
    DifferentPerson => "Orang berbeda", "Different person";
    QueueEmpty => "Tidak ada pekerja yang menunggu verifikasi dengan saringan ini.", "No workers are waiting for verification with these filters.";
    Decision => "Keputusan untuk pekerja yang dipilih", "Decision for the selected workers";
    DecisionReason => "Alasan (wajib untuk penolakan)", "Reason (required for a rejection)";
    VerifySelected => "Verifikasi yang dipilih", "Verify selected";
    RejectSelected => "Tolak yang dipilih", "Reject selected";
    Page => "Halaman", "Page";
    Of => "dari", "of";
    Total => "Jumlah", "Total";
    Previous => "Sebelumnya", "Previous";
    Next => "Berikutnya", "Next";
    Pagination => "Halaman", "Pages";
    DoneMsg => "pekerja berhasil diperbarui", "workers updated";
    FailedMsg => "tidak dapat diubah (statusnya sudah berubah, di luar wilayah Anda, atau usulan lembaga Anda sendiri)", "could not be changed (their status changed meanwhile, they are outside your region, or your own organisation proposed them)";
    ReasonRequired => "Penolakan memerlukan alasan. Tidak ada yang diubah.", "A rejection needs a reason. Nothing was changed.";
    NoneSelected => "Tidak ada pekerja yang dipilih. Centang pekerja lebih dulu.", "No workers were selected. Tick some workers first.";
    Merged => "Ditandai sebagai orang yang sama: usulan ganda ditolak.", "Marked as the same person: the second proposal was rejected.";
    Distinct => "Ditandai sebagai orang berbeda: tanda duplikat dihapus.", "Marked as a different person: the duplicate flag was cleared.";
    DuplicateFailed => "Keputusan duplikat tidak dapat disimpan; mungkin sudah diputuskan orang lain.", "The duplicate decision could not be saved; someone may have decided already.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_both_languages() {
        for s in S::ALL {
            assert!(!s.get(Lang::Id).is_empty(), "{s:?} id");
            assert!(!s.get(Lang::En).is_empty(), "{s:?} en");
        }
    }

    #[test]
    fn language_codes_round_trip() {
        for l in [Lang::Id, Lang::En] {
            assert_eq!(Lang::parse(l.code()), Some(l));
            assert_eq!(l.other().other(), l);
        }
        assert_eq!(Lang::parse("fr"), None);
    }
}
