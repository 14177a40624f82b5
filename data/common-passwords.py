base = """123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123
football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321
pussy superman 1qaz2wsx 7777777 fuckyou 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer
zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou fuckme 2000 charlie
robert thomas hockey ranger daniel starwars klaster 112233 george asshole computer michelle jessica
pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess
joshua cheese amanda summer love ashley 6969 nicole chelsea biteme matthew access yankees 987654321
dallas austin thunder taylor matrix william corvette hello martin heather secret merlin diamond 1234qwer
gfhjkm hammer silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter
orange 11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy
maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers joseph
mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow xxxxxx 123123123
gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah 123654 porsche lakers
iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000 miller boston q1w2e3r4
brandon yamaha chester mother forever johnny edward 333333 oliver redsox player nikita knight fender
barney midnight please brandy chicago badboy slayer rangers charles angel flower rabbit wizard bigdick
jasper enter rachel chris steven winner adidas victoria natasha 1q2w3e4r jasmine winter prince panties
marine ghbdtn fishing cocacola casper james 232323 raiders 888888 marlboro gandalf asdfasdf crystal
87654321 12344321 golden 8675309 panther lauren angela thx1138 angels madison winston shannon mike toyota
blowjob jordan23 canada sophie apples tiger razz 123abc pokemon qazxsw 55555 qwaszx muffin johnson
murphy cooper jonathan liverpool david danielle 159357 jackie 1990 123456a 789456 turtle horny abcd1234
scorpion qazwsxedc 101010 butter carlos password1 dennis slipknot qwerty123 booger asdf 1991 black
startrek 12341234 cameron newyork rainbow nathan john 1992 rocket viking redskins butthead asdfghjkl 1212
sierra peaches gemini doctor wilson sandra helpme qwertyui victor florida dolphin pookie captain tucker
blue liverpool theman bandit dolphins maddog packers jaguar lovers nicholas united tiffany maxwell zzzzzz
nirvana jeremy suckit stupid porn monica elephant giants jackass hotdog rosebud success debbie mountain
444444 xxxxxxxx warrior 1q2w3e4r5t q1w2e3 123456q albert metallic lucky azerty 7777 shithead alex bond007
alexis 1111111 samson 5150 willie scorpio bonnie gators benjamin voodoo driver dexter 2112 jason calvin
freddy 212121 creative 12345a sydney rush2112 1989 asdfghjk red123 bubba 4815162342 passw0rd trouble gunner
happy fucking gordon legend jessie stella qwert eminem arthur apple nissan bullshit bear america 1qazxsw2
nothing parker 4444 rebecca qweqwe garfield 01012011 beavis 69696969 jack asdasd december 2222 102030
252525 11223344 magic apollo skippy 315475 girls kitten golf copper braves shelby godzilla beaver fred
tomcat august buddy airborne 1993 1988 lifehack qqqqqq brooklyn animal platinum phantom online xavier
darkness blink182 power fish green 789456123 voyager police travis 12qwaszx heaven snowball lover abcdef
00000 pakistan 007007 walter playboy blazer cricket sniper hooters donkey willow loveme saturn therock
redwings bigboy pumpkin trinity williams tits nintendo digital destiny topgun runner marvin guinness
chance bubbles testing fire november minecraft asdf1234 lasvegas sergey broncos cartman private celtic
birdie little cassie babygirl donald beatles 1313 dickhead family 12121212 school louise gabriel eclipse
fluffy 147258369 lol123 explorer beer nelson flyers spencer scott lovely gibson doggie cherry andrey snickers
buffalo pantera metallica member carter qwertyu peter alexande steve bronco paradise goober 5555 samuel
montana mexico dreams michigan cock carolina friends magnum surfer maximus genius cool vampire lacrosse
asd123 aaaa christin kimberly speedy sharon carmen 111222 kristina sammy racing ou812 sabrina horses 0987654321
qwerty1 pimpin baby stalker enigma 147147 star poohbear boobies 147258 simple bollocks 12345q marcus ian
sexy 123456789a password123 password12 password1234 admin admin123 administrator root toor changeme
welcome1 welcome123 letmein123 iloveyou1 abc12345 qwerty12 1qaz2wsx3edc qwertyuiop123 aaaaaaaa aaaaaaaaaa
bbbbbbbbbb 1111111111 0000000000 123456789012 12345678910 9876543210 0123456789 1234512345 qwertzuiop
asdfghjkl1 zxcvbnm123 passwordpassword letmeinnow trustno1234 iloveyou123 football123 baseball123
monkey1234 dragon1234 sunshine123 princess123 superman123 batman1234 starwars123 computer123
master1234 shadow1234 michael123 jennifer123 jessica123 charlie123 internet123 whatever123 qwerty2024
password2024 password2023 password2025 password2026 p@ssw0rd p@ssword pa$$word passw0rd1 p@ssw0rd123
""".split()
indo = """indonesia indonesia1 indonesia123 indonesiaraya merdeka merdeka45 merdeka1945 bismillah bismillah123
bismillah1 alhamdulillah alhamdulillah1 subhanallah allahuakbar assalamualaikum insyaallah masyaallah
sayang sayangku sayangkamu sayangaku cintaku cinta cintaku123 akucintakamu akusayangkamu kamu rahasia
rahasia123 rahasiaku katasandi katasandi123 sandi sandi123 jakarta jakarta123 surabaya bandung medan
semarang makassar palembang yogyakarta jogja malang bekasi depok tangerang bogor gresik garuda garuda123
pancasila bhinneka persib persija arema persebaya bonek jakmania viking bobotoh doraemon naruto
spongebob 123456789indonesia qwertyindonesia ganteng cantik gantengbanget cantikbanget anakku anaksaya
keluarga mamapapa mamaku papaku ibuku ayahku bapak ibu ayah mama papa rumah sekolah kantor bpjs
bpjsketenagakerjaan lingkaran petani nelayan buruh pekerja karyawan admin1234 adminadmin sukses
suksesselalu semangat semangat45 rejeki rezeki barokah berkah amin aamiin allah muhammad ahmad siti
dewi putri putra agus budi joko wahyu eko sri nur rizky fajar indah ayu rina ratna yanto bambang
selamat selamatpagi halo hallo haloha kopi kopisusu bakso nasigoreng sate rendang tempe tahu
"""
indo = indo.split()
years = [str(y) for y in range(1960, 2031)]
suffixes = ["", "1", "12", "123", "1234", "12345", "123456", "!", "01", "07", "99", "00", "11", "21", "69", "88", "2000", "45", "@123", "123!"] + years
out = set()
for w in base + indo:
    w = w.lower()
    out.add(w)
short = ["", "1", "12", "123", "1234", "12345", "123456", "!", "01", "11", "45", "@123", "123!"]
for w in base[:400]:
    for s in short:
        out.add(w.lower() + s)
for w in indo + base[:40]:
    for s in suffixes:
        out.add(w.lower() + s)
# digit runs, repeated characters, keyboard walks
for n in range(6, 17):
    out.add("".join(str((i + 1) % 10) for i in range(n)))
    out.add("".join(str(9 - i % 10) for i in range(n)))
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        out.add(c * n)
for w in ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv", "qazwsxedcrfv", "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "abcdefghij", "abcdefghijklmnop"]:
    for n in range(6, len(w) + 1):
        out.add(w[:n])
for d in range(1, 32):
    for m in range(1, 13):
        for y in ("1980","1985","1990","1995","2000"):
            pass
out = sorted(out)
with open("common-passwords.txt", "w") as f:
    f.write("# Common passwords Lingkaran refuses (lower case, one a line). Built from the well-known\n")
    f.write("# public top-password lists (SecLists, the leaked-password top lists), Indonesian words and\n")
    f.write("# names, with the suffixes people add (1, 123, years 1960-2030), digit runs, repeated\n")
    f.write("# characters and keyboard walks. Regenerate or extend by hand; comparison is in lower case.\n")
    for w in out:
        f.write(w + "\n")
print(len(out))
for t in ["aaaaaaaa","password123","1234567890","qwertyuiop","indonesia1","bismillah"]:
    assert t in out, t
