"""content languages: the language a staff member wrote a free text in; numbers in texts from the plan

sessions.cancel_reason_language and drop_in_pauses.reason_language: the page (or API request)
language of the person who typed the reason, so a page in another language marks it with its
`lang` (WCAG 3.1.2). Older rows stay NULL: their language is not known.

Programmes made from CenteringPregnancy, Baby in huis and Triple P whose description is still
the built-in text with its number written out ("U komt tien keer samen") get the text with
placeholders ({meetings}, {group_meetings}, …) filled from the template on every page. A text a
coordinator changed is left as it is.

Revision ID: 0024_content_languages
Revises: 0023_attendance_marks
Create Date: 2026-12-04 01:30:00
"""

# ruff: noqa: E501 (the built-in texts, whole, as they were and as they are)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_content_languages"
down_revision: str | None = "0023_attendance_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Per built-in plan and language: (the old text, with a number written out; the text with placeholders).
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "centering-pregnancy": {
        "nl": (
            "Zwangerschapszorg in een groep. U komt tien keer samen met 8 tot 14 zwangere vrouwen die rond dezelfde tijd uitgerekend zijn. De verloskundige doet uw controles in de groep, en samen praat u over de zwangerschap, de bevalling en uw baby.",
            "Zwangerschapszorg in een groep. U heeft {meetings}: eerst een gesprek alleen met de verloskundige, daarna {group_meetings} met {min_group_size} tot {max_group_size} zwangere vrouwen die rond dezelfde tijd uitgerekend zijn. De verloskundige doet uw controles in de groep, en samen praat u over de zwangerschap, de bevalling en uw baby.",
        ),
        "en": (
            "Pregnancy care in a group. You meet ten times with 8 to 14 pregnant women who are due around the same time. The midwife does your check-ups in the group, and together you talk about pregnancy, giving birth and your baby.",
            "Pregnancy care in a group. You have {meetings}: first a talk alone with the midwife, then {group_meetings} with {min_group_size} to {max_group_size} pregnant women who are due around the same time. The midwife does your check-ups in the group, and together you talk about pregnancy, giving birth and your baby.",
        ),
        "tr": (
            "Grup içinde gebelik bakımı. Doğum tarihi sizinkine yakın olan 8-14 hamile kadınla on kez buluşursunuz. Ebe kontrollerinizi grupta yapar; birlikte hamilelik, doğum ve bebeğiniz hakkında konuşursunuz.",
            "Grup içinde gebelik bakımı. Toplam {meetings} vardır: önce ebeyle yalnız bir görüşme, sonra doğum tarihi sizinkine yakın olan {min_group_size}-{max_group_size} hamile kadınla {group_meetings}. Ebe kontrollerinizi grupta yapar; birlikte hamilelik, doğum ve bebeğiniz hakkında konuşursunuz.",
        ),
        "ar": (
            "رعاية الحمل في مجموعة. تلتقين عشر مرات مع 8 إلى 14 امرأة حاملًا موعد ولادتهن قريب من موعد ولادتك. تقوم القابلة بفحوصاتك داخل المجموعة، وتتحدثين مع المجموعة عن الحمل والولادة وطفلك.",
            "رعاية الحمل في مجموعة. لديك {meetings}: أولًا لقاء وحدك مع القابلة، ثم {group_meetings} مع {min_group_size} إلى {max_group_size} من النساء الحوامل اللواتي موعد ولادتهن قريب من موعد ولادتك. تقوم القابلة بفحوصاتك داخل المجموعة، وتتحدثين مع المجموعة عن الحمل والولادة وطفلك.",
        ),
        "pl": (
            "Opieka w czasie ciąży w grupie. Spotyka się Pani dziesięć razy z 8-14 kobietami w ciąży, które mają termin porodu w podobnym czasie. Położna robi Pani badania kontrolne w grupie, a razem z innymi kobietami rozmawia Pani o ciąży, porodzie i dziecku.",
            "Opieka w czasie ciąży w grupie. Ma Pani {meetings}: najpierw rozmowę sam na sam z położną, potem {group_meetings} razem z innymi kobietami w ciąży (od {min_group_size} do {max_group_size} osób), które mają termin porodu w podobnym czasie. Położna robi Pani badania kontrolne w grupie, a razem z innymi kobietami rozmawia Pani o ciąży, porodzie i dziecku.",
        ),
        "es": (
            "Control del embarazo en grupo. Usted se reúne diez veces con 8 a 14 mujeres embarazadas que darán a luz en fechas parecidas. La matrona le hace los controles en el grupo, y juntas hablan del embarazo, del parto y de su bebé.",
            "Control del embarazo en grupo. Usted tiene {meetings}: primero una entrevista a solas con la matrona y después {group_meetings} con {min_group_size} a {max_group_size} mujeres embarazadas que darán a luz en fechas parecidas. La matrona le hace los controles en el grupo, y juntas hablan del embarazo, del parto y de su bebé.",
        ),
        "so": (
            "Daryeelka uurka oo koox ahaan loo bixiyo. Waxaad toban jeer la kulmaysaa 8 ilaa 14 haween uur leh oo qiyaastii isla waqtigaaga dhalaya. Umulisadu waxay baaritaannadaada ku samaysaa kooxda dhexdeeda, kooxduna waxay ka wada hadashaa uurka, dhalmada iyo cunugga.",
            "Daryeelka uurka oo koox ahaan loo bixiyo. Waxaad yeelanaysaa {meetings}: marka hore wadahadal adiga iyo umulisada oo keliya, kadibna {group_meetings} oo aad la qaadanayso {min_group_size} ilaa {max_group_size} haween uur leh oo qiyaastii isla waqtigaaga dhalaya. Umulisadu waxay baaritaannadaada ku samaysaa kooxda dhexdeeda, kooxduna waxay ka wada hadashaa uurka, dhalmada iyo cunugga.",
        ),
    },
    "baby-in-huis": {
        "nl": (
            "Een cursus van het Centrum voor Jeugd en Gezin (CJG) voor ouders die hun eerste baby verwachten of net hebben gekregen. In vier bijeenkomsten leert u over verzorgen, voeding, huilen en slapen. U ontmoet andere ouders in dezelfde situatie.",
            "Een cursus van het Centrum voor Jeugd en Gezin (CJG) voor ouders die hun eerste baby verwachten of net hebben gekregen. In {group_meetings} leert u over verzorgen, voeding, huilen en slapen. U ontmoet andere ouders in dezelfde situatie.",
        ),
        "en": (
            "A course by the Centre for Youth and Family (CJG) for parents who are expecting their first baby or have just had it. In four meetings you learn about caring for your baby, feeding, crying and sleep. You meet other parents in the same situation.",
            "A course by the Centre for Youth and Family (CJG) for parents who are expecting their first baby or have just had it. In {group_meetings} you learn about caring for your baby, feeding, crying and sleep. You meet other parents in the same situation.",
        ),
        "tr": (
            "Gençlik ve Aile Merkezi'nin (CJG), ilk bebeğini bekleyen ya da ilk bebeği yeni doğmuş anne babalar için düzenlediği bir kurs. Dört buluşmada bebek bakımı, beslenme, ağlama ve uyku hakkında bilgi alırsınız. Aynı durumdaki başka anne babalarla tanışırsınız.",
            "Gençlik ve Aile Merkezi'nin (CJG), ilk bebeğini bekleyen ya da ilk bebeği yeni doğmuş anne babalar için düzenlediği bir kurs. Kurs {group_meetings} sürer; bebek bakımı, beslenme, ağlama ve uyku hakkında bilgi alırsınız. Aynı durumdaki başka anne babalarla tanışırsınız.",
        ),
        "ar": (
            "دورة من مركز الشباب والأسرة (CJG) للآباء والأمهات الذين ينتظرون طفلهم الأول أو رُزقوا به حديثًا. في أربعة لقاءات تتعلم عن العناية بالطفل والتغذية والبكاء والنوم. وتتعرف على آباء وأمهات آخرين في نفس الوضع.",
            "دورة من مركز الشباب والأسرة (CJG) للآباء والأمهات الذين ينتظرون طفلهم الأول أو رُزقوا به حديثًا. تتضمن الدورة {group_meetings}، تتعلم فيها عن العناية بالطفل والتغذية والبكاء والنوم. وتتعرف على آباء وأمهات آخرين في نفس الوضع.",
        ),
        "pl": (
            "Kurs Centrum dla Młodzieży i Rodziny (CJG) dla osób, które czekają na pierwsze dziecko albo właśnie zostały rodzicami. Na czterech spotkaniach rodzice dowiadują się o pielęgnacji dziecka, karmieniu, płaczu i spaniu. Można poznać innych rodziców w takiej samej sytuacji.",
            "Kurs Centrum dla Młodzieży i Rodziny (CJG) dla osób, które czekają na pierwsze dziecko albo właśnie zostały rodzicami. Kurs obejmuje {group_meetings}: rodzice dowiadują się o pielęgnacji dziecka, karmieniu, płaczu i spaniu. Można poznać innych rodziców w takiej samej sytuacji.",
        ),
        "es": (
            "Un curso del Centro de Juventud y Familia (CJG) para madres y padres que esperan su primer bebé o lo acaban de tener. En cuatro reuniones usted aprende sobre el cuidado del bebé, la alimentación, el llanto y el sueño. Conoce a otros padres en la misma situación.",
            "Un curso del Centro de Juventud y Familia (CJG) para madres y padres que esperan su primer bebé o lo acaban de tener. En {group_meetings} usted aprende sobre el cuidado del bebé, la alimentación, el llanto y el sueño. Conoce a otros padres en la misma situación.",
        ),
        "so": (
            "Koorso ay bixiso Xarunta Dhallinyarada iyo Qoyska (CJG), oo loogu talagalay waalidiinta sugaya ilmahooda ugu horreeya ama dhawaan dhalay. Afar kulan ayaad ku baranaysaa daryeelka ilmaha, quudinta, ooyinka iyo hurdada. Waxaad la kulmaysaa waalidiin kale oo xaalad isku mid ah ku jira.",
            "Koorso ay bixiso Xarunta Dhallinyarada iyo Qoyska (CJG), oo loogu talagalay waalidiinta sugaya ilmahooda ugu horreeya ama dhawaan dhalay. Koorsadu waxay leedahay {group_meetings}, waxaadna ku baranaysaa daryeelka ilmaha, quudinta, ooyinka iyo hurdada. Waxaad la kulmaysaa waalidiin kale oo xaalad isku mid ah ku jira.",
        ),
    },
    "triple-p-group": {
        "nl": (
            "Een opvoedcursus in een groep met andere ouders. U leert hoe u uw kind helpt om zich goed te gedragen, en wat u doet bij lastig gedrag. Er zijn vijf groepsbijeenkomsten en drie korte telefoongesprekken met de trainer.",
            "Een opvoedcursus in een groep met andere ouders. U leert hoe u uw kind helpt om zich goed te gedragen, en wat u doet bij lastig gedrag. De cursus heeft {group_meetings} en {phone_calls} met de trainer.",
        ),
        "en": (
            "A parenting course in a group with other parents. You learn how to help your child behave well, and what to do when behaviour is difficult. There are five group meetings and three short phone calls with the trainer.",
            "A parenting course in a group with other parents. You learn how to help your child behave well, and what to do when behaviour is difficult. The course has {group_meetings} and {phone_calls} with the trainer.",
        ),
        "tr": (
            "Diğer anne babalarla birlikte grupta yapılan bir ebeveynlik kursu. Çocuğunuzun iyi davranmasına nasıl yardım edeceğinizi ve zor davranışlarda ne yapacağınızı öğrenirsiniz. Beş grup buluşması ve eğitmenle üç kısa telefon görüşmesi vardır.",
            "Diğer anne babalarla birlikte grupta yapılan bir ebeveynlik kursu. Çocuğunuzun iyi davranmasına nasıl yardım edeceğinizi ve zor davranışlarda ne yapacağınızı öğrenirsiniz. Kursta {group_meetings} ve eğitmenle {phone_calls} vardır.",
        ),
        "ar": (
            "دورة في تربية الأطفال مع آباء وأمهات آخرين في مجموعة. تتعلم كيف تساعد طفلك على السلوك الجيد، وماذا تفعل عندما يكون سلوكه صعبًا. تتضمن الدورة خمسة لقاءات جماعية وثلاث مكالمات هاتفية قصيرة مع المدرب.",
            "دورة في تربية الأطفال مع آباء وأمهات آخرين في مجموعة. تتعلم كيف تساعد طفلك على السلوك الجيد، وماذا تفعل عندما يكون سلوكه صعبًا. تتضمن الدورة {group_meetings} و{phone_calls} مع المدرب.",
        ),
        "pl": (
            "Kurs dla rodziców o wychowaniu dzieci, w grupie z innymi rodzicami. Rodzice uczą się, jak pomóc dziecku dobrze się zachowywać i co robić, gdy zachowanie jest trudne. Kurs to pięć spotkań w grupie i trzy krótkie rozmowy telefoniczne z trenerem.",
            "Kurs dla rodziców o wychowaniu dzieci, w grupie z innymi rodzicami. Rodzice uczą się, jak pomóc dziecku dobrze się zachowywać i co robić, gdy zachowanie jest trudne. Kurs obejmuje {group_meetings} i {phone_calls} z trenerem.",
        ),
        "es": (
            "Un curso sobre la crianza, en grupo con otras madres y padres. Usted aprende cómo ayudar a su hijo a portarse bien y qué hacer cuando su conducta es difícil. Hay cinco reuniones en grupo y tres llamadas cortas con el formador.",
            "Un curso sobre la crianza, en grupo con otras madres y padres. Usted aprende cómo ayudar a su hijo a portarse bien y qué hacer cuando su conducta es difícil. Hay {group_meetings} y {phone_calls} con el formador.",
        ),
        "so": (
            "Koorso ku saabsan barbaarinta carruurta oo lagu qaato koox ay ku jiraan waalidiin kale. Waxaad baranaysaa sidaad ilmahaaga uga caawin lahayd inuu si wanaagsan u dhaqmo, iyo waxa aad samayn lahayd marka dhaqankiisu adag yahay. Waxaa jira shan kulan oo koox ah iyo saddex wicitaan oo gaagaaban oo lala yeesho tababaraha.",
            "Koorso ku saabsan barbaarinta carruurta oo lagu qaato koox ay ku jiraan waalidiin kale. Waxaad baranaysaa sidaad ilmahaaga uga caawin lahayd inuu si wanaagsan u dhaqmo, iyo waxa aad samayn lahayd marka dhaqankiisu adag yahay. Koorsadu waxay leedahay {group_meetings} iyo {phone_calls} oo lala yeesho tababaraha.",
        ),
    },
}


def _swap_texts(old: int, new: int) -> None:
    """Descriptions equal to the built-in text `old` (0 or 1 of each pair) become text `new`."""
    bind = op.get_bind()
    programmes = sa.table(
        "programmes",
        sa.column("id", sa.Integer),
        sa.column("template_key", sa.String),
        sa.column("description", sa.JSON),
    )
    rows = bind.execute(
        sa.select(programmes.c.id, programmes.c.template_key, programmes.c.description).where(
            programmes.c.template_key.in_(list(TEXTS))
        )
    ).all()
    for programme_id, key, description in rows:
        texts = dict(description or {})
        changed = {lang: pair[new] for lang, pair in TEXTS[key].items() if texts.get(lang) == pair[old]}
        if changed:
            bind.execute(
                programmes.update().where(programmes.c.id == programme_id).values(description={**texts, **changed})
            )


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("cancel_reason_language", sa.String(5), nullable=True))
    with op.batch_alter_table("drop_in_pauses") as batch_op:
        batch_op.add_column(sa.Column("reason_language", sa.String(5), nullable=True))
    _swap_texts(0, 1)


def downgrade() -> None:
    _swap_texts(1, 0)
    with op.batch_alter_table("drop_in_pauses") as batch_op:
        batch_op.drop_column("reason_language")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("cancel_reason_language")
