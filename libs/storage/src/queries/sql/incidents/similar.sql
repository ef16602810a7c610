-- Candidates for the incidents similar to one (newest version of each, itself aside): those in
-- its problems (`members`), on the same primary service, with a suspect on the service its
-- likely cause changed, with one of its alert names, or with the same title once each word
-- holding a digit is one placeholder (a superset of what the core's masking makes equal, near
-- enough); newest first, a bounded number. The core says which are similar and why.
SELECT {{parts/incident-columns}}
FROM incidents FINAL
WHERE id != {id:String}
  AND (has({members:Array(String)}, id)
       OR service = {service:String}
       OR ({suspectService:String} != ''
           AND has(arrayMap(s -> ifNull(s.service, ''), suspects), {suspectService:String}))
       OR hasAny(arrayMap(m -> m.name, arrayFilter(m -> m.type = 'alert', members)),
                 {alertNames:Array(String)})
       OR replaceRegexpAll(title, '[^ ]*[0-9][^ ]*', '0')
          = replaceRegexpAll({title:String}, '[^ ]*[0-9][^ ]*', '0'))
ORDER BY opened_at DESC, id
LIMIT {limit:UInt32}
