"""Function-word lists for the baseline judges' languages (en, es, de, pt, fr; zh characters).

They drop words that carry no topic from overlap measures (language identification is
`lingua`'s, in `auditor.judges.lang`). The lists are short on
purpose: the most frequent function words, in lower case, with and without accents.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN = _words(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each either few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves please may might must shall let
    get got yes okay ok hi hello thanks thank via per etc much many
    """
)

ES = _words(
    """
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante
    el ella ellas ellos en entre era eres es esa esas ese eso esos esta estas este esto estos
    está están estar estoy fue fueron ha han has hasta hay la las le les lo los me mi mis mucho
    muy más mas nada ni no nos nosotros o os otra otro para pero poco por porque puede pueden
    puedo que qué quien se sea ser si sí sin sobre son su sus también tambien te tiene tienen
    tu tus un una uno unos usted ustedes y ya yo hola gracias debe deben cada según segun
    """
)

DE = _words(
    """
    aber alle allem allen aller alles als also am an auch auf aus bei bin bis bist da damit dann
    das dass dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort
    du durch ein eine einem einen einer eines er es etwas euch euer für gegen hat hatte haben
    hier ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ist ja jede jedem jeden jeder jedes
    kann können könnte man mein meine mich mir mit muss müssen nach nicht nichts noch nun nur
    ob oder ohne sehr sein seine sich sie sind so soll sollte sollten über um und uns unser
    unter vom von vor war waren warum was weil welche wenn wer werden wie wieder wir wird wo
    zu zum zur hallo danke bitte kein keine keinen keinem keiner
    """
)

PT = _words(
    """
    a ao aos as até ate com como da das de do dos e ela elas ele eles em entre era essa esse
    esta este está estão estar eu foi for há isso isto já lhe mais mas me meu minha muito na
    nas nem no nos não nao o os ou para pela pelas pelo pelos pode podem por porque que quando
    se sem ser seu seus sua suas também tambem tem têm um uma você voce vocês é à às olá ola
    obrigado obrigada deve devem cada depois onde qual
    """
)

FR = _words(
    """
    au aux avec ce ces cette dans de des du elle en est et eux il ils je la le les leur lui
    ma mais me mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son
    sur ta te tes toi ton tu un une vos votre vous été être avoir ai as avez ont sont suis
    été était fait peut peuvent plus si sans sous très aussi bien donc alors comme chaque
    dont cela ça ceci celui celle ici là non oui bonjour merci d'un d'une qu'il c'est n'est
    """
)

ALL_STOPWORDS: frozenset[str] = EN | ES | DE | PT | FR

# Chinese characters that are grammatical glue rather than topic; a bigram made only of
# them ("我们", "可以", "如果") is not a content term.
ZH_FUNCTION_CHARS = frozenset(
    "的了是在我你您他她它们这那和与及或吗呢吧啊就都也还很会要可以能请对于把被从给让向为等个之其此而且如果则该将已"
)
