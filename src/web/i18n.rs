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
    NoAccountYet => "Ingin membantu sebagai donatur?", "Want to help as a donor?";
    HomeDonor => "Pilih pekerja rentan yang ingin Anda lindungi, bayar lewat virtual account, lalu lihat siapa yang terlindungi dan sampai kapan.", "Choose the vulnerable workers you want to protect, pay by virtual account, then see who is protected and until when.";
    HomeOther => "Halaman untuk peran Anda belum tersedia di sini; gunakan API.", "Pages for your role are not here yet; use the API.";
    AuditTitle => "Jejak audit", "Audit trail";
    AuditIntro => "Setiap perubahan data, siapa yang melakukannya dan kapan, terbaru lebih dulu. Rantai hash-nya diperiksa dengan `lingkaran audit verify`.", "Every change, who made it and when, newest first. Its hash chain is checked with `lingkaran audit verify`.";
    AuditRecordKind => "Jenis data", "Record kind";
    AuditRecordId => "Nomor data", "Record id";
    AuditUser => "Nomor pengguna", "User id";
    AuditActor => "Pelaku", "Actor";
    AuditFrom => "Dari tanggal", "From";
    AuditTo => "Sampai tanggal", "Through";
    AuditFilter => "Saring", "Filter";
    AuditWhen => "Waktu (UTC)", "When (UTC)";
    AuditAction => "Tindakan", "Action";
    AuditRecord => "Data", "Record";
    AuditDetail => "Perubahan", "What changed";
    AuditEmpty => "Tidak ada catatan yang cocok.", "No entry matches.";
    AuditOlder => "Catatan lebih lama", "Older entries";
    AuditBadDate => "Tanggal harus berbentuk TTTT-BB-HH.", "A date must look like YYYY-MM-DD.";
    AuditBadNumber => "Nomor pengguna dan halaman harus angka.", "The user id and the page must be numbers.";
    AuditBadRange => "Tanggal akhir sebelum tanggal awal.", "The end date is before the start date.";
    ForbiddenTitle => "Tidak diizinkan", "Not allowed";
    Forbidden => "Peran atau wilayah Anda tidak mengizinkan halaman ini.", "Your role or region does not allow this page.";
    CsrfTitle => "Permintaan ditolak", "Request refused";
    Csrf => "Formulir ini sudah kedaluwarsa atau tidak berasal dari halaman ini. Muat ulang halaman lalu kirim lagi.", "This form has expired or did not come from this page. Reload the page and send it again.";
    NotFoundTitle => "Tidak ditemukan", "Not found";
    NotFound => "Halaman atau data yang Anda cari tidak ada, atau bukan wewenang Anda.", "The page or record you are looking for does not exist, or is not yours to see.";
    ErrorTitle => "Terjadi kesalahan", "Something went wrong";
    InternalError => "Terjadi kesalahan di server. Coba lagi nanti.", "Something went wrong on the server. Try again later.";
    StoreUnavailable => "Basis data sedang tidak dapat dihubungi. Tidak ada yang hilang; coba lagi sebentar lagi.", "The database cannot be reached right now. Nothing is lost; try again in a moment.";
    DiskFull => "Disk server penuh. Tidak ada yang hilang: kosongkan ruang disk, lalu ulangi.", "The server's disk is full. Nothing is lost: free some disk space, then try again.";
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
    TemplateLink => "Unduh templat Excel (XLSX, kolom NIK berformat Teks)", "Download the Excel template (XLSX, NIK column formatted as Text)";
    RecentImports => "Unggahan terakhir", "Recent uploads";
    NoImports => "Belum ada unggahan.", "No uploads yet.";
    FileName => "Berkas", "File";
    Date => "Tanggal", "Date";
    Status => "Status", "Status";
    ImportDone => "Selesai", "Done";
    ImportFailed => "Gagal", "Failed";
    ImportRunning => "Sedang diproses", "In progress";
    RowsDone => "baris selesai; halaman ini dimuat ulang sendiri", "rows done; this page reloads itself";
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
    ReasonTooLong => "Alasan paling banyak 1000 karakter. Tidak ada yang diubah.", "A reason has at most 1000 characters. Nothing was changed.";
    NoneSelected => "Tidak ada pekerja yang dipilih. Centang pekerja lebih dulu.", "No workers were selected. Tick some workers first.";
    Merged => "Ditandai sebagai orang yang sama: usulan ganda ditolak.", "Marked as the same person: the second proposal was rejected.";
    Distinct => "Ditandai sebagai orang berbeda: tanda duplikat dihapus.", "Marked as a different person: the duplicate flag was cleared.";
    DuplicateFailed => "Keputusan duplikat tidak dapat disimpan; mungkin sudah diputuskan orang lain.", "The duplicate decision could not be saved; someone may have decided already.";
    ProtectionTitle => "Cek perlindungan JKK & JKM", "Check JKK & JKM protection";
    ProtectionIntro => "Masukkan NIK dan 4 angka terakhir nomor HP yang terdaftar untuk melihat apakah Anda terlindungi jaminan kecelakaan kerja (JKK) dan kematian (JKM).", "Enter your NIK and the last 4 digits of the phone number on record to see whether you are protected by work-accident (JKK) and death (JKM) insurance.";
    PhoneDigitsField => "4 angka terakhir nomor HP yang terdaftar", "Last 4 digits of the phone number on record";
    CheckButton => "Cek", "Check";
    ProtectedUntil => "Anda terlindungi JKK dan JKM sampai", "You are protected by JKK and JKM until";
    PaidBy => "Iuran Anda dibayar oleh", "Your contributions are paid by";
    PaidByDonor => "Iuran Anda dibayar oleh seorang donatur GN Lingkaran.", "Your contributions are paid by a GN Lingkaran donor.";
    PaidBySelf => "Iuran Anda dibayar secara mandiri.", "You pay your contributions yourself.";
    NotProtectedHere => "Tidak ada perlindungan aktif yang tercatat untuk data ini. Periksa NIK dan 4 angka HP, atau tanyakan ke kantor desa (juga bila belum ada nomor HP yang terdaftar) atau BPJS Ketenagakerjaan terdekat.", "No active protection is recorded for these details. Check the NIK and the 4 phone digits, or ask your village office (also when no phone number is on record) or the nearest BPJS Ketenagakerjaan branch.";
    TooManyChecks => "Terlalu banyak pengecekan dari jaringan ini. Coba lagi dalam 10 menit.", "Too many checks from this network. Try again in 10 minutes.";
    NikListFile => "Atau unggah berkas daftar NIK (CSV atau TXT, satu NIK per baris; kolom pertama yang dibaca)", "Or upload a list of NIKs (CSV or TXT, one NIK per line; the first column is read)";
    NavSignUp => "Daftar jadi donatur", "Become a donor";
    NavDonate => "Donasi baru", "New donation";
    NavMyDonations => "Donasi saya", "My donations";
    NavAccount => "Akun", "Account";
    NavStatements => "Mutasi bank", "Bank statements";
    NavUnmatched => "Belum cocok", "Unmatched";
    NavManualPayment => "Pembayaran manual", "Manual payment";
    SignUpTitle => "Daftar sebagai donatur", "Sign up as a donor";
    SignUpIntro => "Dengan akun donatur Anda membayar iuran JKK dan JKM pekerja rentan, melihat pekerja yang Anda lindungi, dan menyimpan kuitansi setiap pembayaran.", "With a donor account you pay the JKK and JKM contributions of vulnerable workers, see the workers you protect, and keep a receipt of every payment.";
    SignUpFailed => "Akun belum dapat dibuat", "The account could not be created";
    SignUpButton => "Daftar", "Sign up";
    UsernameHint => "3–40 karakter: huruf, angka, titik, garis bawah atau tanda hubung.", "3–40 characters: letters, digits, dot, underscore or hyphen.";
    FullName => "Nama lengkap", "Full name";
    PasswordHint => "Paling sedikit 10 karakter, bukan kata sandi yang umum. Beberapa kata yang mudah Anda ingat adalah pilihan yang baik.", "At least 10 characters, not a common password. A few words you remember are a good choice.";
    PasswordAgain => "Ulangi kata sandi", "Password again";
    PasswordMismatch => "Kedua kata sandi tidak sama. Ketik ulang keduanya.", "The two passwords differ. Type both again.";
    HaveAccount => "Sudah punya akun?", "Already have an account?";
    DonateTitle => "Donasi baru", "New donation";
    DonateIntro => "Pilih pekerja yang Anda lindungi, berapa bulan, dan mulai bulan apa. Pekerja dipilih secara adil: desil termiskin dan yang paling lama menunggu lebih dahulu. Pekerja yang terpilih ditahan untuk Anda sampai tagihan dibayar.", "Choose the workers you protect, for how many months, and from which month. Workers are chosen fairly: the poorest decile and those who waited longest first. The chosen workers are held for you until the invoice is paid.";
    DonateFailed => "Donasi belum dapat dibuat", "The donation could not be made";
    DonateButton => "Tahan & buat tagihan", "Hold & issue the invoice";
    Review => "Tinjau", "Review";
    ReviewAgain => "Tinjau lagi", "Review again";
    ReviewTitle => "Tinjauan", "Review";
    WorkersTimes => "pekerja ×", "workers ×";
    MonthsFrom => "bulan mulai", "months from";
    ReviewInvoice => "Tagihan", "Invoice";
    ReviewShortfall => "pekerja yang diminta belum tersedia", "of the workers asked for are not available";
    ReviewNote => "Harga pasti pekerja yang akan dipilih sekarang, dihitung dari penghasilan masing-masing seperti tagihannya. Belum ada pekerja yang ditahan: pekerja dan tagihan dibuat saat Anda menekan \"Tahan & buat tagihan\" (bila donatur lain lebih dulu, pilihannya bisa berubah).", "The exact price of the workers who would be chosen now, from each one's income, as the invoice will be. Nothing is held yet: the workers and the invoice are made when you press \"Hold & issue the invoice\" (if another donor comes first, the choice may change).";
    CancelDonation => "Batalkan donasi", "Cancel the donation";
    CancelNote => "Pekerja yang ditahan dilepas untuk donatur lain dan tagihan dibatalkan. Belum ada uang yang dibayar.", "The held workers are released for other donors and the invoice is cancelled. No money has been paid.";
    Cancelled => "Donasi dibatalkan; pekerjanya sudah dilepas.", "The donation was cancelled; its workers were released.";
    DonorNumber => "Nomor donatur", "Donor number";
    DonorNumberHint => "Petugas berdonasi atas nama seorang donatur: tulis nomornya.", "Staff give on behalf of a donor: write their number.";
    HowToChoose => "Cara memilih pekerja", "How to choose the workers";
    ModeCriteria => "Menurut kriteria: sejumlah pekerja di wilayah (dan pekerjaan) yang Anda pilih", "By criteria: a number of workers in the region (and occupation) you choose";
    ModeBudget => "Menurut anggaran: sebanyak pekerja yang tercukupi anggaran Anda", "By budget: as many workers as your budget covers";
    ModeNamed => "Menurut NIK: pekerja tertentu yang Anda kenal", "By NIK: particular workers you know";
    CriteriaLegend => "Kriteria (untuk cara kriteria dan anggaran)", "Criteria (for choosing by criteria or budget)";
    RegionCode => "Wilayah (nama atau kode)", "Region (name or code)";
    RegionHint => "Contoh: Gresik, Dukun, atau kodenya: 35.25 (Kabupaten Gresik), 35.25.01 (Kecamatan Dukun), atau kode desa.", "For example Gresik, Dukun, or its code: 35.25 (Kabupaten Gresik), 35.25.01 (Dukun district), or a village code.";
    WorkerCount => "Jumlah pekerja", "Number of workers";
    BudgetRupiah => "Anggaran (Rp)", "Budget (Rp)";
    BudgetHint => "Hanya untuk cara anggaran. Sisa anggaran yang tidak cukup untuk satu pekerja tidak ditagih.", "For choosing by budget only. What is left that does not cover one more worker is not invoiced.";
    NamedLegend => "Menurut NIK", "By NIK";
    NiksOnePerLine => "NIK pekerja, satu per baris", "Workers' NIKs, one per line";
    SkipUnavailable => "Lewati NIK yang tidak dapat didanai dan lanjutkan dengan yang lain", "Skip NIKs that cannot be funded and go on with the others";
    HowManyMonths => "Lama perlindungan", "How long";
    MonthsWord => "bulan", "months";
    StartMonth => "Mulai bulan", "Starting month";
    StartHint => "Iuran sebuah bulan jatuh tempo tanggal 15; bulan yang sudah lewat jatuh tempo tidak dapat didanai.", "A month's contributions are due on its 15th; a month past its due date cannot be funded.";
    PayFromCredit => "Bayar dari saldo kredit saya", "Pay from my credit";
    CreditBalance => "Saldo kredit", "Credit";
    CreditExplained => "Saldo kredit adalah uang Anda yang sudah diterima tetapi belum dipakai: kelebihan bayar, sisa anggaran, atau pembayaran yang terlambat. Saldo dipakai untuk donasi berikutnya.", "Credit is money of yours that was received but not yet spent: an overpayment, a budget's remainder, or a late payment. It pays for your next donation.";
    MyDonationsTitle => "Donasi saya", "My donations";
    DonationsTitle => "Donasi", "Donations";
    NoDonations => "Belum ada donasi.", "No donations yet.";
    Donor => "Donatur", "Donor";
    Donation => "Donasi", "Donation";
    DonationNumber => "Nomor", "Number";
    Period => "Masa", "Period";
    Workers => "Pekerja", "Workers";
    DonationHeld => "Menunggu pembayaran", "Awaiting payment";
    DonationFunded => "Terbayar", "Paid";
    DonationExpired => "Kedaluwarsa", "Expired";
    DonationCancelled => "Dibatalkan", "Cancelled";
    DonationMade => "Donasi tercatat. Pekerja di bawah ini ditahan untuk Anda sampai tagihan dibayar.", "The donation is recorded. The workers below are held for you until the invoice is paid.";
    ExtensionMade => "Perpanjangan tercatat untuk pekerja dari donasi", "The extension is recorded for the workers of donation";
    ShortfallMsg => "Pekerja yang memenuhi kriteria dan masih tersedia lebih sedikit dari yang diminta; kurang", "Fewer workers matching the criteria are still available than asked for; short by";
    SkippedMsg => "NIK dilewati karena tidak dapat didanai:", "NIKs skipped because they cannot be funded:";
    CreditShort => "Saldo kredit belum cukup untuk donasi ini; bayar tagihan di bawah.", "Your credit does not cover this donation yet; pay the invoice below.";
    PaidFromCredit => "Donasi dibayar dari saldo kredit Anda.", "The donation was paid from your credit.";
    ActionFailed => "Tidak dapat dilakukan", "Could not be done";
    MadeOn => "dibuat", "made";
    FundedOn => "terbayar", "paid";
    ExtendsDonation => "perpanjangan dari donasi", "extends donation";
    Invoice => "Tagihan", "Invoice";
    Invoices => "Tagihan", "Invoices";
    InvoiceNumber => "Nomor tagihan", "Invoice number";
    VaNumber => "Nomor virtual account", "Virtual account number";
    Amount => "Jumlah", "Amount";
    Paid => "Sudah dibayar", "Paid";
    Outstanding => "Sisa tagihan", "Outstanding";
    InvoiceStatus => "Status tagihan", "Invoice status";
    InvoiceOpen => "Belum lunas", "Open";
    InvoicePaid => "Lunas", "Paid";
    InvoiceExpired => "Kedaluwarsa", "Expired";
    InvoiceCancelled => "Dibatalkan", "Cancelled";
    PayBefore => "Bayar sebelum", "Pay before";
    HowToPay => "Transfer ke nomor virtual account ini dari bank atau aplikasi mana pun. Pembayaran tercatat otomatis dan kuitansinya ada di halaman Akun.", "Transfer to this virtual account number from any bank or app. The payment is recorded automatically and its receipt appears on the Account page.";
    PayWithCredit => "Bayar dengan kredit", "Pay with credit";
    Extend => "Perpanjang", "Extend";
    ExtendIntro => "Lindungi pekerja yang sama untuk bulan-bulan berikutnya. Pekerja yang sementara itu sudah didanai donatur lain dilewati.", "Protect the same workers for the following months. Workers another donor funds meanwhile are skipped.";
    AfterThisDonation => "Setelah donasi ini berakhir", "After this donation ends";
    ExtendButton => "Perpanjang donasi", "Extend the donation";
    WorkersPrivacy => "Demi privasi pekerja, NIK disamarkan dan nama ditulis dengan inisial.", "For the workers' privacy, NIKs are masked and names shown as initials.";
    NoWorkers => "Donasi ini tidak memiliki pekerja.", "This donation has no workers.";
    Rank => "Urutan", "Rank";
    Months => "Bulan", "Months";
    WhyChosen => "Mengapa dipilih", "Why chosen";
    MonthsHeld => "Ditahan", "Held";
    MonthsFunded => "Didanai", "Funded";
    MonthsLost => "Tidak lagi ditahan", "No longer held";
    BackToDonations => "Kembali ke daftar donasi", "Back to the donations";
    AccountTitle => "Akun donatur", "Donor account";
    Show => "Tampilkan", "Show";
    Payments => "Pembayaran", "Payments";
    NoInvoices => "Belum ada tagihan.", "No invoices yet.";
    NoPayments => "Belum ada pembayaran.", "No payments yet.";
    Receipt => "Kuitansi", "Receipt";
    PaidOn => "Tanggal bayar", "Date paid";
    PaidHow => "Cara pembayaran", "Paid by";
    ToCredit => "Saldo kredit", "Credit";
    ReceivedFrom => "Telah diterima dari", "Received from";
    ForInvoice => "Untuk tagihan", "For invoice";
    ForDonation => "Untuk donasi", "For donation";
    PaidFromCreditLabel => "Dibayar dari saldo kredit", "Paid from credit";
    CreditReceipt => "Kuitansi pembayaran dari saldo kredit", "Receipt of a payment from credit";
    CreditReceiptsTitle => "Dibayar dari saldo kredit", "Paid from credit";
    CreditReceiptNote => "Tidak ada uang baru yang diterima: saldo kredit donatur (dari pembayaran sebelumnya) melunasi tagihan ini.", "No new money was received: the donor's credit (from earlier payments) settled this invoice.";
    SettledOn => "Tanggal pelunasan", "Date settled";
    PaymentReference => "Referensi", "Reference";
    RecordedAt => "Dicatat", "Recorded";
    ReceiptPurpose => "Untuk pembayaran iuran Jaminan Kecelakaan Kerja (JKK) dan Jaminan Kematian (JKM) BPJS Ketenagakerjaan bagi pekerja rentan melalui Lingkaran.", "For the BPJS Ketenagakerjaan Work Accident (JKK) and Death (JKM) contributions of vulnerable workers through Lingkaran.";
    PrintHint => "Cetak halaman ini atau simpan sebagai PDF dari menu peramban.", "Print this page or save it as PDF from the browser's menu.";
    BackToAccount => "Kembali ke akun", "Back to the account";
    PaymentRecorded => "Pembayaran tercatat.", "The payment is recorded.";
    PaymentAlreadyRecorded => "Pembayaran dengan nomor ini sudah tercatat sebelumnya; tidak dicatat dua kali.", "A payment with this number was recorded before; it is not recorded twice.";
    StatementTitle => "Mutasi bank", "Bank statement";
    StatementIntro => "Unggah mutasi rekening program dari internet banking. Setiap baris kredit dicocokkan dengan tagihan lewat nomor virtual account atau nomor tagihan; yang cocok langsung dibukukan, sisanya masuk antrian belum cocok. Mengunggah berkas yang sama dua kali aman.", "Upload the programme account's statement from internet banking. Each credit line is matched to an invoice by its virtual-account or invoice number; matches are booked at once, the rest go to the unmatched queue. Uploading the same file twice is safe.";
    StatementFile => "Berkas mutasi (CSV atau MT940)", "Statement file (CSV or MT940)";
    StatementFailed => "Mutasi tidak dapat dibaca", "The statement could not be read";
    StatementFileRequired => "Pilih berkas mutasi rekening (CSV atau MT940).", "Choose a bank statement file (CSV or MT940).";
    StatementFormats => "Format yang diterima", "Accepted formats";
    StatementCsvHelp => "CSV dipisah koma atau titik koma, judul kolom Indonesia atau Inggris, misalnya", "CSV separated by commas or semicolons, Indonesian or English headers, for example";
    StatementMt940Help => "MT940 (SWIFT) seperti yang disediakan Mandiri, BNI, BRI dan BCA untuk cash management.", "MT940 (SWIFT) as Mandiri, BNI, BRI and BCA provide it for cash management.";
    StatementCreditsOnly => "Hanya uang masuk (kredit) yang dicocokkan; baris debit dihitung lalu dilewati.", "Only money in (credits) is matched; debit lines are counted and skipped.";
    StatementReport => "Laporan mutasi bank", "Bank statement report";
    StatementAgain => "Berkas yang sama sudah pernah diunggah; hanya baris yang belum tercatat yang diproses. Ini keadaannya sekarang.", "This exact file was uploaded before; only lines not yet recorded were read. This is how it stands now.";
    CreditLines => "Baris kredit", "Credit lines";
    Matched => "Cocok dan dibukukan", "Matched and booked";
    Reconciled => "Sudah tercatat sebelumnya", "Already recorded";
    Unmatched => "Belum cocok", "Unmatched";
    SkippedDebits => "Debit dilewati", "Debits skipped";
    ErrorLines => "Baris tidak terbaca", "Unreadable lines";
    ErrorLinesIntro => "Baris berikut tidak dapat dibaca dan tidak dibukukan. Periksa di berkas aslinya.", "These lines could not be read and were not booked. Check them in the original file.";
    NoCreditLines => "Tidak ada baris kredit di berkas ini.", "There are no credit lines in this file.";
    Description => "Keterangan", "Description";
    StatementDuplicates => "Sudah ada di mutasi lain (tidak dibukukan lagi)", "Already in another statement (not booked again)";
    StatementAccount => "Nomor rekening", "Account number";
    StatementAccountHelp => "Wajib bila berkas tidak menyebut nomor rekening, misalnya CSV tanpa kolom rekening (MT940 menyebutnya di :25:). Transfer yang sama dikenali dari rekening, tanggal valuta, jumlah dan referensi bank, jadi tidak dibukukan dua kali.", "Needed when the file names no account, such as a CSV without an account column (MT940 names it in :25:). The same transfer is recognised by account, value date, amount and bank reference, so it is never booked twice.";
    StatementNotices => "Catatan tentang berkas ini", "Notes on this file";
    ConfirmOverpayment => "Ya, bukukan ke tagihan ini; kelebihannya menjadi saldo donatur", "Yes, book it to this invoice; the excess becomes the donor's credit";
    UploadAnotherStatement => "Unggah mutasi lain", "Upload another statement";
    UnmatchedTitle => "Mutasi belum cocok", "Unmatched statement lines";
    UnmatchedIntro => "Uang masuk yang tidak menyebut nomor virtual account atau nomor tagihan yang dikenal. Bukukan ke tagihan atau ke saldo kredit seorang donatur, atau abaikan dengan catatan bila bukan donasi (bunga bank, pindah buku).", "Money in that names no known virtual-account or invoice number. Book it to an invoice or to a donor's credit, or ignore it with a note if it is not a donation (bank interest, an internal transfer).";
    UnmatchedEmpty => "Tidak ada baris yang belum cocok.", "No unmatched lines.";
    StatementLine => "Baris mutasi", "Statement line";
    WhyUnmatched => "Mengapa belum cocok", "Why unmatched";
    OpenUnmatched => "Buka antrian belum cocok", "Open the unmatched queue";
    OrDonorNumber => "atau nomor donatur", "or donor number";
    BookLine => "Bukukan", "Book";
    IgnoreNote => "Catatan (wajib untuk mengabaikan)", "Note (required to ignore)";
    IgnoreLine => "Abaikan", "Ignore";
    LineBookedMsg => "Baris dibukukan", "The line was booked";
    LineIgnoredMsg => "Baris diabaikan dengan catatan", "The line was set aside with a note";
    DonorIdNumber => "Nomor donatur harus angka.", "The donor number must be a number.";
    ManualTitle => "Pembayaran manual", "Manual payment";
    ManualIntro => "Catat uang yang masuk di luar virtual account: transfer ke rekening program atau setoran tunai di kantor cabang. Lampirkan bukti; nomor kuitansi atau transfer mencegah pembayaran tercatat dua kali.", "Record money that came in outside the virtual accounts: a transfer to the programme's account or cash at the branch. Attach the evidence; the receipt or transfer number keeps a payment from being recorded twice.";
    ManualFailed => "Pembayaran belum tercatat", "The payment was not recorded";
    ManualTargetHint => "Dengan nomor tagihan, pembayaran melunasi tagihan itu; dengan nomor donatur saja, uang masuk ke saldo kredit donatur.", "With an invoice number the payment settles that invoice; with only a donor number the money goes to the donor's credit.";
    AmountRupiah => "Jumlah (Rp)", "Amount (Rp)";
    ManualReference => "Nomor kuitansi atau nomor transfer", "Receipt or transfer number";
    Evidence => "Bukti pembayaran (foto atau pindaian)", "Evidence (photo or scan)";
    EvidenceAgain => "Pilih berkas buktinya sekali lagi: berkas tidak disimpan sebelum pembayaran tercatat.", "Choose the evidence file once more: it is not kept until the payment is recorded.";
    RecordPayment => "Catat pembayaran", "Record the payment";
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
